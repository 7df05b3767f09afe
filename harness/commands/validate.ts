import { validatePaths } from '../config/load.ts';
import { EXIT, formatProblem } from '../errors.ts';

// harness validate: every problem of every pack, locale file and bank
// profile, each at its file:line:col; exit 2 when there is any.

export function validateCommand(paths: string[]): number {
  const { files, problems } = validatePaths(paths);
  for (const p of problems) process.stderr.write(formatProblem(p) + '\n');
  if (problems.length) {
    process.stderr.write(`\n${problems.length} problem(s) in ${files} file(s)\n`);
    return EXIT.usage;
  }
  process.stdout.write(`${files} file(s) valid\n`);
  return EXIT.ok;
}
