import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConversationRecord } from '../harness/types.ts';
import { faultBank, startFaultBot } from '../test/fixtures/fault-bot.ts';

// A bot that answers every request with 2 MiB (17 conversations, card-loss and
// balance-inquiry), next to a well-behaved channel and a slow-drip one in the
// same run: the CLI's peak memory (/usr/bin/time -v, else the kernel's
// high-water mark of the child), the run folder's size, and whether any turn
// of the other channels timed out or was resent meanwhile.
// Targets: < 300 MB peak, < 20 MB folder, no other channel's turn timed out.

const dir = mkdtempSync(join(tmpdir(), 'harness-bench-huge-'));
const bot = await startFaultBot({ dripMs: 1500, hugeBytes: Number(process.env.HUGE_BYTES ?? 2 * 1024 * 1024) });
const bank = join(dir, 'bank.yaml');
writeFileSync(bank, faultBank(bot, ['huge', 'ok', 'drip'], { turnMs: 5000 }));
const out = join(dir, 'run');

const args = ['bin/harness.mjs', 'run', '--bank', bank, '--scenario', 'card-loss,balance-inquiry', '--out', out, '--progress', 'none', '-j', '8'];
const haveTime = (() => {
  try {
    statSync('/usr/bin/time');
    return true;
  } catch {
    return false;
  }
})();
const t0 = performance.now();
const child = haveTime ? spawn('/usr/bin/time', ['-v', process.execPath, ...args], { stdio: ['ignore', 'pipe', 'pipe'] }) : spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
let stderr = '';
child.stderr.on('data', (d) => (stderr += d));
child.stdout.resume();
const code = await new Promise<number | null>((r) => child.on('close', r));
const wallS = (performance.now() - t0) / 1000;
await bot.close();

const peakKb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(stderr)?.[1] ?? NaN);
const files = (d: string): string[] => readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(d, e.name)) : [join(d, e.name)]));
const size = (f: string) => statSync(f).size;
const folder = files(out).reduce((n, f) => n + size(f), 0);
const records: ConversationRecord[] = readFileSync(join(out, 'results.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
const others = records.filter((r) => r.channel !== 'huge');
const hurt = others.filter((r) => r.error || r.turns.some((t) => t.exchanges.some((e) => e.retries)));
const huge = records.filter((r) => r.channel === 'huge');
const truncated = huge.filter((r) => r.turns.some((t) => t.exchanges.some((e) => e.reply.truncated))).length;

const mb = (n: number) => (n / 1024 / 1024).toFixed(1);
console.log(`exit ${code}, ${wallS.toFixed(1)} s wall, ${records.length} conversations (${huge.length} huge, ${truncated} truncated)`);
console.log(`peak memory: ${Number.isFinite(peakKb) ? `${(peakKb / 1024).toFixed(0)} MB` : 'unknown (no /usr/bin/time)'} (target < 300 MB)`);
console.log(`run folder: ${mb(folder)} MB — results.jsonl ${mb(size(join(out, 'results.jsonl')))} MB, index.html ${mb(size(join(out, 'index.html')))} MB, report.md ${mb(size(join(out, 'report.md')))} MB (target < 20 MB)`);
console.log(`other channels: ${others.length} conversations, ${hurt.length} with a timeout, error or resend${hurt.length ? `: ${hurt.map((r) => r.id).join(', ')}` : ''} (target 0)`);
rmSync(dir, { recursive: true, force: true });
process.exitCode = code === 0 && peakKb < 300 * 1024 && folder < 20 * 1024 * 1024 && hurt.length === 0 ? 0 : 1;
