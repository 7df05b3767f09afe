import type { Pack } from '../harness/config/scenario.ts';
import type { Summary } from '../harness/score/types.ts';
import type { Labels } from './glossary.ts';

// What readers see instead of ids: a case's name from its pack, and the
// channels' own metrics grouped by the adapter they run on, so the hotline's
// IVR table never carries another adapter's counters.

const scriptIndex = new WeakMap<Pack[], Map<string, Pack['cases'][number]>>();

/** The scripted case of a conversation, through an index built once per pack list. */
export function scriptedCase(packs: Pack[], pack: string, id: string): Pack['cases'][number] | undefined {
  let index = scriptIndex.get(packs);
  if (!index) scriptIndex.set(packs, (index = new Map(packs.flatMap((p) => p.cases.map((c) => [`${p.id}\u0000${c.id}`, c] as const)))));
  return index.get(`${pack}\u0000${id}`);
}

/** The case's name in its pack; its id where the pack gives none. */
export function caseName(packs: Pack[], pack: string, id: string): string {
  return scriptedCase(packs, pack, id)?.name ?? id;
}

export interface MetricTable {
  adapter: string;
  title: string;
  keys: string[];
  label(key: string): string;
  rows: { channel: string; values: string[] }[];
}

const show = (v: number | boolean | null | undefined) => (v === null || v === undefined ? '—' : typeof v === 'number' ? String(Math.round(v * 100) / 100) : String(v));

/** One table per adapter that measured anything, each with its own columns. */
export function metricTables(summary: Summary, L: Labels): MetricTable[] {
  const byAdapter = new Map<string, [string, Record<string, number | boolean | null>][]>();
  for (const [name, c] of Object.entries(summary.channels)) {
    const metrics = c.metrics ?? c.ivr;
    if (!metrics || !Object.keys(metrics).length) continue;
    const adapter = c.adapter ?? (c.kind === 'hotline' ? 'hotline' : 'online');
    const list = byAdapter.get(adapter);
    if (list) list.push([name, metrics]);
    else byAdapter.set(adapter, [[name, metrics]]);
  }
  return [...byAdapter].map(([adapter, channels]) => {
    const keys = [...new Set(channels.flatMap(([, m]) => Object.keys(m)))];
    return {
      adapter,
      title: adapter === 'hotline' ? L.ivr : L.metrics.replace('{adapter}', L.adapters[adapter] ?? adapter),
      keys,
      label: (k: string) => L.ivrMetrics[k] ?? k,
      rows: channels.map(([channel, m]) => ({ channel, values: keys.map((k) => show(m[k])) })),
    };
  });
}
