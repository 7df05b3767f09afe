import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBenchmark } from '../harness/commands/run.ts';

// "What would my text bot score over the phone?" Runs the demo bank's hotline
// at simulated character error rates 0, 0.05, 0.1 and 0.2 — both the caller's
// words as the bot hears them and the bot's answer as the harness hears it —
// next to the same brain on the `api` channel. Checks: at CER 0 the hotline
// scores as the API does (±0.2), and recognition falls as the CER rises.

const cers = [0, 0.05, 0.1, 0.2];
const out = (name: string) => join(tmpdir(), `harness-cer-curve-${name}-${process.pid}`);
const common = { bank: 'demo', variants: 'first' as const, progress: 'none' as const, concurrency: 16, log: () => {} };
const f = (n: number) => n.toFixed(2);

const apiDir = out('api');
const t0 = performance.now();
const scores = (c: { recognition: number | null; completeness: number | null }) => ({ recognition: c.recognition ?? 0, completeness: c.completeness ?? 0 });
const api = scores((await runBenchmark({ ...common, channels: ['api'], out: apiDir })).summary.channels.api);
rmSync(apiDir, { recursive: true, force: true });
console.log(`api recognition: ${f(api.recognition)} /5`);
console.log(`api completeness: ${f(api.completeness)} /5`);

const rows: { cer: number; recognition: number; completeness: number }[] = [];
for (const cer of cers) {
  const dir = out(String(cer));
  const r = await runBenchmark({
    ...common,
    channels: ['hotline'],
    out: dir,
    set: [`channels.hotline.speech.asr.cer=${cer}`, `embeddedOptions.hotline.cer=${cer}`],
  });
  rmSync(dir, { recursive: true, force: true });
  const h = scores(r.summary.channels.hotline);
  rows.push({ cer, recognition: h.recognition, completeness: h.completeness });
  const target = cer === 0 ? `target ${f(api.recognition)} ±0.2, the api's` : 'target below the previous CER';
  console.log(`hotline recognition at CER ${cer}: ${f(h.recognition)} /5 (${target}; api ${f(api.recognition)})`);
  console.log(`hotline completeness at CER ${cer}: ${f(h.completeness)} /5 (api ${f(api.completeness)})`);
}
console.log(`cer-curve wall time: ${((performance.now() - t0) / 1000).toFixed(1)} s`);

const problems: string[] = [];
const zero = rows[0];
if (Math.abs(zero.recognition - api.recognition) > 0.2) problems.push(`at CER 0 hotline recognition ${f(zero.recognition)} differs from api ${f(api.recognition)} by more than 0.2`);
if (Math.abs(zero.completeness - api.completeness) > 0.2) problems.push(`at CER 0 hotline completeness ${f(zero.completeness)} differs from api ${f(api.completeness)} by more than 0.2`);
for (let i = 1; i < rows.length; i++) {
  if (rows[i].recognition > rows[i - 1].recognition) problems.push(`recognition rose from ${f(rows[i - 1].recognition)} at CER ${rows[i - 1].cer} to ${f(rows[i].recognition)} at CER ${rows[i].cer}`);
}
for (const p of problems) console.log(`FAILED: ${p}`);
process.exitCode = problems.length ? 1 : 0;
