import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../harness/cli.ts';
import { cliReference, END, START, withReference } from '../../scripts/docs-cli.ts';
import { ROOT } from '../helpers/cli.ts';

// The README's CLI reference is what `npm run docs:cli` writes from the
// commander definitions: an option added to harness/cli.ts and not to the
// README fails here.

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

describe('the README CLI reference', () => {
  it('is exactly what npm run docs:cli writes from the commander program (run it after changing harness/cli.ts)', () => {
    expect(readme).toContain(START);
    expect(readme).toContain(END);
    const section = readme.slice(readme.indexOf(START), readme.indexOf(END));
    const expected = withReference(readme).slice(readme.indexOf(START), withReference(readme).indexOf(END));
    expect(section).toBe(expected);
  });

  it('names every option of every command, --scenarios-dir and --debug included', () => {
    const program = buildProgram();
    const section = readme.slice(readme.indexOf(START), readme.indexOf(END));
    for (const cmd of [program, ...program.commands]) {
      for (const o of cmd.options) expect(section, `${cmd.name()} ${o.long}`).toContain(o.long!);
    }
    expect(section).toContain('--scenarios-dir');
    expect(section).toContain('--debug');
  });

  it('changes when a command gains an option, so a stale README is caught', () => {
    const program = buildProgram();
    program.commands.find((c) => c.name() === 'run')!.option('--brand-new-flag', 'a flag the README does not know');
    const stale = withReference(readme, cliReference(program));
    expect(stale).not.toBe(readme);
    expect(stale).toContain('--brand-new-flag');
  });
});
