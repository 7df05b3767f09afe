import { Worker } from 'node:worker_threads';
import { workerEntry } from '../bin/bundle.mjs';
import { PACKAGE_ROOT } from '../lib/package-root.ts';
import type { EmbeddedBank, EmbeddedKind } from './embedded.ts';

// Embedded banks run in a thread of their own, as a real bank's bot runs on
// another machine: their replies, pages and calls take none of the harness's
// event loop, so what the harness measures of its own work and of the bot's
// timing is what a run against a remote bot would see, and the two use two
// cores. One thread serves every embedded bank of the process (each start is
// a fresh bank: its own state and ports); it holds the process open only
// while a bank is running in it.

export type ThreadRequest =
  | { op: 'start'; id: number; kind: EmbeddedKind; options: Record<string, unknown>; parts: BankParts }
  | { op: 'close'; id: number };

export type ThreadReply =
  | { op: 'started'; id: number; vars: Record<string, string> }
  | { op: 'failed'; id: number; error: { name: string; message: string; stack?: string; code?: string } }
  | { op: 'closed'; id: number };

interface Thread {
  worker: Worker;
  waiting: Map<number, (m: ThreadReply) => void>;
  open: number;
}

let thread: Thread | undefined;
let nextId = 1;

function theThread(): Thread {
  if (thread) return thread;
  // Not the harness's own Node options (--input-type, a loader, a profiler): the entry brings what it needs.
  const worker = new Worker(workerEntry(PACKAGE_ROOT, 'embedded-worker.mjs'), { execArgv: [] });
  const t: Thread = { worker, waiting: new Map(), open: 0 };
  worker.on('message', (m: ThreadReply) => {
    const done = t.waiting.get(m.id);
    t.waiting.delete(m.id);
    done?.(m);
  });
  // A thread that ends takes its banks with it: what waits on it learns why,
  // running channels see refused connections, and the next start gets a new thread.
  const ended = (why: string) => {
    if (thread === t) thread = undefined;
    for (const [id, done] of t.waiting) done({ op: 'failed', id, error: { name: 'Error', message: `the embedded bank's thread ${why}` } });
    t.waiting.clear();
  };
  worker.on('error', (err) => ended(`failed: ${err.message}`));
  worker.on('exit', (code) => ended(`ended (exit ${code})`));
  worker.unref();
  return (thread = t);
}

function ask(t: Thread, m: ThreadRequest): Promise<ThreadReply> {
  return new Promise((resolve) => {
    t.waiting.set(m.id, resolve);
    t.worker.postMessage(m);
  });
}

/**
 * Which parts of a bank to start: those named, or those that publish these
 * `${embedded:NAME}` variables (the thread asks the bank, so the bank's
 * modules load in its thread only); all when neither is given.
 */
export interface BankParts {
  only?: string[];
  variables?: string[];
}

/** Start an embedded bank's parts in the banks' thread; close() closes them. */
export async function startEmbeddedThread(kind: EmbeddedKind, options: Record<string, unknown>, parts: BankParts = {}): Promise<EmbeddedBank> {
  const t = theThread();
  const id = nextId++;
  // Held open from the start: an unref'd thread's reply would not keep a process that waits only on it alive.
  if (t.open++ === 0) t.worker.ref();
  const release = () => {
    if (--t.open === 0) t.worker.unref();
  };
  const m = await ask(t, { op: 'start', id, kind, options, parts });
  if (m.op !== 'started') {
    release();
    const e = m.op === 'failed' ? m.error : { name: 'Error', message: `the embedded bank's thread answered ${m.op} to a start` };
    throw Object.assign(new Error(e.message), { name: e.name, code: e.code, stack: e.stack ?? e.message });
  }
  let closing: Promise<void> | undefined;
  return {
    vars: m.vars,
    close: () =>
      (closing ??= (thread === t ? ask(t, { op: 'close', id }) : Promise.resolve()).then(() => release())),
  };
}

/**
 * End the banks' thread now, with every bank running in it: for a process
 * that is done with embedded banks and wants the thread's memory back. Its
 * banks' ports close (a channel still using one sees refused connections),
 * closing one of them is a no-op, and the next start gets a new thread.
 */
export async function stopEmbeddedThread(): Promise<void> {
  // What follows is what any end of the thread brings (see `ended` above).
  await thread?.worker.terminate();
}
