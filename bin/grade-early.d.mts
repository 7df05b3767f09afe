import type { Worker } from 'node:worker_threads';
/** Start the grading thread with the process, before the packs are known. */
export declare function startEarly(entry: string): void;
/** The early thread, taken once; undefined when none was started. */
export declare function takeEarly(): Worker | undefined;
/** End an early thread the run does not want. */
export declare function dropEarly(): void;
