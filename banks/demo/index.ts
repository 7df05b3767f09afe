import { createBrain } from './brain/index.ts';
import type { DemoOptions, DemoPart, RunningPart } from './part.ts';

// The embedded demo bank: every part starts on loopback for the run's
// duration, in the thread the harness gives embedded banks. Adding a channel = one part module + one line here.
const parts: Record<string, () => Promise<DemoPart>> = {
  api: async () => (await import('./api.ts')).startApi,
  web: async () => (await import('./web/index.ts')).startWeb,
  'wechat-mp': async () => (await import('./wechat-mp.ts')).startWechatMp,
  hotline: async () => (await import('./hotline/ws.ts')).startHotline,
  'hotline-sip': async () => (await import('./hotline/sip.ts')).startSipHotline,
};

/** The part that publishes a `${embedded:NAME}` variable: the longest part name NAME starts with (web also serves `wechat`). */
export function partFor(variable: string): string | undefined {
  if (variable === 'wechat') return 'web';
  return Object.keys(parts)
    .filter((p) => variable === p || variable.startsWith(`${p}-`))
    .sort((a, b) => b.length - a.length)[0];
}

export interface EmbeddedBank {
  vars: Record<string, string>;
  close(): Promise<void>;
}

export async function startDemoBank(options: Partial<DemoOptions> = {}, only?: string[]): Promise<EmbeddedBank> {
  const opts: DemoOptions = {
    latencyMs: 0,
    jitterMs: 0,
    ...options,
    brain: { quality: 'good', contextKeep: 0.5, ...(options.brain ?? {}) },
  };
  const brain = createBrain(opts.brain);
  const running: RunningPart[] = [];
  try {
    for (const [name, load] of Object.entries(parts)) {
      if (only && !only.includes(name)) continue;
      running.push(await (await load())(brain, opts));
    }
  } catch (err) {
    await Promise.allSettled(running.map((p) => p.close()));
    throw err;
  }
  return {
    vars: Object.assign({}, ...running.map((p) => p.vars)),
    close: async () => {
      await Promise.allSettled(running.map((p) => p.close()));
    },
  };
}
