#!/usr/bin/env node
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { freshBundle, loadCli, workerEntry } from './bundle.mjs';
import { startEarly } from './grade-early.mjs';

// A command lives for seconds: at V8's default budget its optimizing compiler
// spends, on the other core, as much CPU as the grading thread, mostly on
// functions that ran a few hundred times and will not run many more. Four
// times the budget leaves that work to the functions that stay hot. Set
// before any thread starts (V8's flags are the process's), unless the user
// set it.
if (!/--interrupt-budget/.test(`${process.execArgv.join(' ')} ${process.env.NODE_OPTIONS ?? ''}`)) setFlagsFromString('--interrupt-budget=300000');

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
