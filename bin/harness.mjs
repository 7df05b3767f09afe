#!/usr/bin/env node
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freshBundle, loadCli, workerEntry } from './bundle.mjs';
import { startEarly } from './grade-early.mjs';

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
