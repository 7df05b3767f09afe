// Typed errors with a stable code and an exit code. The CLI catches them once
// and prints the message (no stack trace unless --debug).

export const EXIT = { ok: 0, gateFailed: 1, usage: 2, incomplete: 3 } as const;

export class HarnessError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly exitCode: number = EXIT.usage,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'HarnessError';
  }
}

/**
 * One problem in a file, pointing at file:line:col. Line 0 means no position:
 * a file that is missing, or a command-line flag (`file` is then "--set …").
 */
export interface ConfigProblem {
  file: string;
  line: number;
  col: number;
  path: string;
  message: string;
}

export function formatProblem(p: ConfigProblem): string {
  const where = p.line > 0 ? `${p.file}:${p.line}:${p.col}` : `${p.file}:`;
  return `${where} ${p.path ? p.path + ': ' : ''}${p.message}`;
}

/** Every problem found in one or more files; exit code 2. */
export class ConfigError extends HarnessError {
  constructor(readonly problems: ConfigProblem[]) {
    super('E_CONFIG', problems.map(formatProblem).join('\n'), EXIT.usage);
    this.name = 'ConfigError';
  }
}
