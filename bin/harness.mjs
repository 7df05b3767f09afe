#!/usr/bin/env node
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { freshBundle, loadCli, workerEntry } from './bundle.mjs';
import { startEarly } from './grade-early.mjs';

// A command lives for seconds: at V8's default budget (67,584 in Node 20) its
// optimizing compiler spends, on the other core, as much CPU as the grading
// thread, mostly on functions that ran a few hundred times and will not run
// many more. About nine times the budget leaves that work to the functions
// that stay hot. 2,000 conversations against a local bot, wall: 300,000 was
// 0.86x the default; against 300,000, 150,000 was 1.10x, 600,000 0.97-0.99x,
// 1,000,000 0.98x, 2,000,000 0.98x. Set before any thread starts (V8's flags
// are the process's), unless the user set it.
if (!/--interrupt-budget/.test(`${process.execArgv.join(' ')} ${process.env.NODE_OPTIONS ?? ''}`)) setFlagsFromString('--interrupt-budget=600000');

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bundle = freshBundle(root);
// A run's grading thread loads while the CLI does (bin/grade-early.mjs).
if (process.argv[2] === 'run') startEarly(workerEntry(root, 'grade-worker.mjs', bundle));
let main;
if (bundle) {
  ({ main } = await loadCli(bundle, process.argv[2]));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../harness/cli.ts'));
}
process.exitCode = await main(process.argv);
