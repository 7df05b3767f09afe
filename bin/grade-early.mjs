// The grading thread started with the process, before the CLI's own modules
// load: `harness run` starts it here, and the run takes it (or ends it, when
// the run is short or its bank embedded). Its modules, jieba's dictionary and
// the converters load on the other core meanwhile. Kept on globalThis: the
// bundle carries its own copy of this module.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

const KEY = Symbol.for('harness.gradeThread.early');

/** Start the thread for a run (no packs yet: it waits for them). */
export function startEarly(entry) {
  if (globalThis[KEY] || availableParallelism() < 2 || process.env.HARNESS_GRADE_THREAD === '0') return;
  // Not the harness's own Node options (--input-type, a loader, a profiler): the entry brings what it needs.
  const worker = new Worker(entry, { execArgv: [], workerData: null });
  worker.unref();
  // A thread that fails early is simply not there to take: the run starts its own, or grades on the main thread.
  worker.on('error', () => {
    if (globalThis[KEY] === worker) globalThis[KEY] = undefined;
  });
  globalThis[KEY] = worker;
}

/** The early thread, taken once; undefined when none was started. */
export function takeEarly() {
  const worker = globalThis[KEY];
  globalThis[KEY] = undefined;
  return worker;
}

/** End an early thread the run does not want. */
export function dropEarly() {
  void takeEarly()?.terminate();
}
