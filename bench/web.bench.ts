import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPacks } from '../harness/config/load.ts';
import { readJournal } from '../harness/run/journal.ts';
import { runBenchmark } from '../harness/commands/run.ts';

// The web channel in a real Chromium against the demo bank's widget:
// 1. time to the first bot message, measured in the page, vs the widget's
//    reply delay (300 ms and 1,500 ms; target: median within ±60 ms);
// 2. 100 web conversations at --concurrency 8 vs the ideal set by the delay
//    (target ≤1.3×), with the run's peak memory: this process plus every
//    Chromium process under it (PSS and RSS from /proc).

const { packs } = loadPacks();
const singleTurn = packs.flatMap((p) => p.cases.filter((c) => c.turns.length === 1).map((c) => `${p.id}/${c.id}`));
const out = (name: string) => join(tmpdir(), `harness-bench-web-${name}-${process.pid}`);
const common = { bank: 'demo', channels: ['web'], progress: 'none' as const, log: () => {} };

/** Resident and proportional set size in kB (PSS splits pages shared between Chromium processes). */
function memKb(pid: number): { rss: number; pss: number } {
  try {
    const text = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    const get = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+)`, 'm').exec(text)?.[1] ?? 0);
    return { rss: get('Rss'), pss: get('Pss') };
  } catch {
    return { rss: 0, pss: 0 };
  }
}

/** Memory of this process and all its descendants (the browser's tree), in MB. */
function treeMem(root = process.pid): { mb: number; pssMb: number; processes: number } {
  const children = new Map<number, number[]>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(d)]);
    } catch {
      // ended while listing
    }
  }
  let rss = 0;
  let pss = 0;
  let processes = 0;
  const stack = [root];
  while (stack.length) {
    const pid = stack.pop()!;
    const m = memKb(pid);
    rss += m.rss;
    pss += m.pss;
    processes++;
    stack.push(...(children.get(pid) ?? []));
  }
  return { mb: rss / 1024, pssMb: pss / 1024, processes };
}

function sampler() {
  let peak = { mb: 0, pssMb: 0, processes: 0 };
  const timer = setInterval(() => {
    const now = treeMem();
    if (now.pssMb > peak.pssMb) peak = now;
  }, 1000); // reading smaps_rollup of ~30 processes costs CPU the browser needs
  return () => (clearInterval(timer), peak);
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function firstMsOf(dir: string): number[] {
  return readJournal(dir).records.flatMap((r) => r.turns.flatMap((t) => t.exchanges.map((e) => e.reply.latency.firstMs))).filter((x): x is number => x !== null);
}

async function firstMessageLatency(delayMs: number) {
  const dir = out(`first-${delayMs}`);
  await runBenchmark({ ...common, out: dir, cases: singleTurn, limit: 24, concurrency: 4, embeddedOptions: { latencyMs: delayMs, jitterMs: 0 } });
  const xs = firstMsOf(dir);
  const m = median(xs);
  console.log(
    `web time to first message at ${delayMs} ms reply delay: median ${m.toFixed(0)} ms (n=${xs.length}, min ${Math.min(...xs)}, max ${Math.max(...xs)}), error ${m - delayMs >= 0 ? '+' : ''}${(m - delayMs).toFixed(0)} ms (target ±60 ms)`,
  );
  rmSync(dir, { recursive: true, force: true });
}

async function hundredConversations(delayMs: number) {
  const dir = out(`hundred-${delayMs}`);
  const stop = sampler();
  const t0 = performance.now();
  // The widget writes each reply at once (no typing animation), so the bot's
  // reply delay alone sets the ideal: replies × delay ÷ concurrency.
  await runBenchmark({
    ...common,
    out: dir,
    limit: 100,
    repeat: 2,
    concurrency: 8,
    embeddedOptions: { latencyMs: delayMs, jitterMs: 0, web: { chunkMs: 0, gapMs: 0 } },
  });
  const wall = performance.now() - t0;
  const peak = stop();
  const records = readJournal(dir).records;
  const exchanges = records.reduce((n, r) => n + r.turns.reduce((m, t) => m + t.exchanges.length, 0), 0);
  const errors = records.filter((r) => r.error).length;
  const ideal = (exchanges * delayMs) / 8;
  console.log(
    `100 web conversations at ${delayMs} ms reply delay, --concurrency 8: ${records.length} conversations (${errors} errors), ${exchanges} replies, ` +
      `wall ${(wall / 1000).toFixed(1)} s (browser launch included) vs ideal ${(ideal / 1000).toFixed(1)} s (replies × delay ÷ 8) → ${(wall / ideal).toFixed(2)}× (target ≤1.3×)`,
  );
  console.log(
    `peak memory of the 100-conversation run at ${delayMs} ms (harness + Chromium tree, ${peak.processes} processes): ` +
      `${peak.pssMb.toFixed(0)} MB PSS (${peak.mb.toFixed(0)} MB summed RSS, which counts shared pages once per process)`,
  );
  rmSync(dir, { recursive: true, force: true });
}

console.log(`machine: ${cpus().length} CPUs, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} at start (other work on the machine slows the browser runs)`);
await firstMessageLatency(300);
await firstMessageLatency(1500);
await hundredConversations(300);
await hundredConversations(1500);
