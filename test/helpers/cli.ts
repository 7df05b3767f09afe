import { AsyncLocalStorage } from 'node:async_hooks';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');
export const BIN = join(ROOT, 'bin/harness.mjs');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export interface CliOptions {
  cwd?: string;
  env?: Record<string, string>;
  timeoutMs?: number;
  /**
   * Run `node bin/harness.mjs` as a child process, as a user would, and fail
   * if it does not exit by itself. The tests of each channel do; the others
   * call the same `main()` in this worker (a run with its own working
   * directory or environment always gets a process of its own).
   */
  subprocess?: boolean;
}

/** Run the real CLI: its `main()` with these arguments, its output captured, its exit code returned. */
export function runCli(args: string[], opts: CliOptions = {}): Promise<CliResult> {
  if (opts.subprocess || opts.cwd || opts.env || process.cwd() !== ROOT) return spawnCli(args, opts);
  return callCli(args, opts);
}

/** The CLI as a child process; fails the test if it does not exit by itself. */
export function spawnCli(args: string[], opts: CliOptions = {}): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const t0 = Date.now();
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: opts.cwd ?? ROOT,
      env: { ...process.env, NO_COLOR: '1', ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`harness ${args.join(' ')} did not exit within ${opts.timeoutMs ?? 120_000} ms\n${stderr}`));
    }, opts.timeoutMs ?? 120_000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code, signal, stdout, stderr, ms: Date.now() - t0 });
    });
  });
}

// In this worker: what a run writes to stdout and stderr goes to the run that
// wrote it (runs of one test may overlap), everything else passes through.
interface Capture {
  stdout: string;
  stderr: string;
}
const capture = new AsyncLocalStorage<Capture>();
let patched = false;
function captureOutput(): void {
  if (patched) return;
  patched = true;
  for (const name of ['stdout', 'stderr'] as const) {
    const stream = process[name];
    const write = stream.write.bind(stream) as (...a: unknown[]) => boolean;
    stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      const into = capture.getStore();
      if (!into) return write(chunk, ...rest);
      into[name] += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      const done = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
      if (done) queueMicrotask(done);
      return true;
    }) as typeof stream.write;
  }
}

/** Runs of the CLI in this worker at this moment: a leak is told only of a run that had the worker to itself. */
const running = new Set<object>();
const overlapped = new Set<object>();

/**
 * The CLI's `main()` in this worker: no process start, no module loading, the
 * grader's tables and jieba already built. What a child process's exit would
 * prove is checked here too: when `main()` returns, nothing it opened
 * (sockets, servers, child processes, timers) may still hold the event loop.
 */
async function callCli(args: string[], opts: CliOptions): Promise<CliResult> {
  captureOutput();
  process.env.NO_COLOR = '1';
  const { main } = await import('../../harness/cli.ts');
  const t0 = Date.now();
  const before = process.getActiveResourcesInfo();
  const me = {};
  for (const other of running) {
    overlapped.add(other);
    overlapped.add(me);
  }
  running.add(me);
  const out: Capture = { stdout: '', stderr: '' };
  let timer: NodeJS.Timeout | undefined;
  let code: number;
  try {
    code = await Promise.race([
      capture.run(out, () => main(['node', BIN, ...args])),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`harness ${args.join(' ')} did not finish within ${opts.timeoutMs ?? 120_000} ms\n${out.stderr}`)), opts.timeoutMs ?? 120_000);
      }),
    ]);
  } finally {
    clearTimeout(timer);
    running.delete(me);
  }
  const ms = Date.now() - t0;
  const alone = !overlapped.delete(me);
  if (alone) {
    const left = await leftOpen(before);
    if (left.length) throw new Error(`harness ${args.join(' ')} returned but left ${left.join(', ')} open: as a process it would not exit by itself`);
  }
  return { code, signal: null, stdout: out.stdout, stderr: out.stderr, ms };
}

/** Resources holding the event loop beyond those held before the run, once closing sockets have had time to close. */
async function leftOpen(before: string[]): Promise<string[]> {
  const count = (xs: string[]) => xs.reduce((m, x) => m.set(x, (m.get(x) ?? 0) + 1), new Map<string, number>());
  const base = count(before);
  let extra: string[] = [];
  for (let waited = 0; waited <= 3000; waited += 50) {
    extra = [...count(process.getActiveResourcesInfo())].filter(([k, n]) => n > (base.get(k) ?? 0)).map(([k, n]) => `${n - (base.get(k) ?? 0)} × ${k}`);
    // Another run started meanwhile: what is open may be its.
    if (running.size) return [];
    if (!extra.length) return extra;
    await new Promise((r) => setTimeout(r, 50));
  }
  return extra;
}

export function tempDir(prefix = 'harness-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}
