import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { z } from 'zod';
import type { BankProfile } from '../config/bank.ts';
import type { Locale, Pack } from '../config/scenario.ts';
import { HarnessError } from '../errors.ts';
import { langSchema, summarySchema, type Summary } from '../score/types.ts';
import { sha256 } from '../util/hash.ts';
import { writeJsonAtomic } from './journal.ts';

// The run folder is self-contained: everything `harness report`, `merge` and
// `--resume` need is in it, read through the zod contracts below — never a
// bare JSON.parse and a cast. It keeps a snapshot of the packs and the
// redacted profile it ran with, so an old run re-renders as it was, without
// the bank's secrets, whatever happened to the files on disk since.

export const FILES = {
  journal: 'results.jsonl',
  manifest: 'run.json',
  summary: 'summary.json',
  packs: 'snapshot/packs.json',
  profile: 'snapshot/profile.json',
} as const;

/** What a run keeps of its command line: enough to rebuild the same plan on --resume, merge or report. */
export const storedOptionsSchema = z.object({
  bank: z.string(),
  channels: z.array(z.string()).optional(),
  scenarios: z.array(z.string()).optional(),
  cases: z.array(z.string()).optional(),
  tags: z.array(z.string()).optional(),
  variants: z.union([z.literal('first'), z.literal('all'), z.number().int()]).optional(),
  repeat: z.number().int().optional(),
  limit: z.number().int().optional(),
  shard: z.object({ index: z.number().int(), total: z.number().int() }).optional(),
  grader: z.enum(['rules', 'llm', 'both']).optional(),
  judge: z.object({ baseURL: z.string().optional(), model: z.string().optional(), concurrency: z.number().int().optional() }).optional(),
  set: z.array(z.string()).optional(),
  scenariosDir: z.string().optional(),
  lang: langSchema.optional(),
  good: z.number().optional(),
  embeddedOptions: z.record(z.string(), z.unknown()).optional(),
});
export type StoredOptions = z.output<typeof storedOptionsSchema>;

export const manifestSchema = z.object({
  id: z.string(),
  version: z.string(),
  node: z.string(),
  startedAt: z.string(),
  /** When the run's reports were first written: a re-render keeps it, so it renders byte-identical. */
  finishedAt: z.string().optional(),
  bank: z.object({ id: z.string(), file: z.string(), sha256: z.string() }),
  /** Pack id → hash of the pack as run; `harness report` compares them with the packs on disk. */
  packs: z.record(z.string(), z.string()),
  packsDir: z.string(),
  options: storedOptionsSchema,
  plan: z.number().int(),
  mergedFrom: z.array(z.string()).optional(),
  /** Cross-channel cases the plan left out because the bank (or --channel) lacks a channel they name. */
  skipped: z.array(z.object({ pack: z.string(), case: z.string(), reason: z.string() })).optional(),
  /** Channels stopped by preflight or the circuit breaker: not benchmarked, and said so in every report. */
  stopped: z.array(z.object({ channel: z.string(), by: z.enum(['preflight', 'breaker']), kind: z.string(), cause: z.string(), fix: z.string() })).optional(),
});
export type Manifest = z.output<typeof manifestSchema>;

/** The packs and locale a run was graded against, as loaded (no YAML needed to read them back). */
const packsSnapshotSchema = z.object({ packs: z.array(z.custom<Pack>((v) => !!v && typeof v === 'object')), locale: z.custom<Locale>((v) => !!v && typeof v === 'object') });
/** The bank profile as run, with every value that came from the environment replaced. */
const profileSnapshotSchema = z.custom<BankProfile>((v) => !!v && typeof v === 'object' && typeof (v as BankProfile).id === 'string');

export const REDACTED = '[redacted]';

export function packHash(pack: Pack): string {
  return sha256(JSON.stringify(pack));
}

export class RunFolder {
  readonly dir: string;

  constructor(dir: string) {
    this.dir = resolve(dir);
  }

  /** The run id is the folder's name. */
  get id(): string {
    return this.dir.split(/[\\/]/).pop()!;
  }

  path(file: keyof typeof FILES): string {
    return join(this.dir, FILES[file]);
  }

  has(file: keyof typeof FILES): boolean {
    return existsSync(this.path(file));
  }

  /** The folder as a user would type it. */
  get shown(): string {
    return relative(process.cwd(), this.dir) || '.';
  }

  ensure(): this {
    mkdirSync(join(this.dir, 'snapshot'), { recursive: true });
    return this;
  }

  readManifest(): Manifest {
    if (!this.has('manifest')) throw new HarnessError('E_NORUN', `${this.shown} has no ${FILES.manifest} — pass a folder written by harness run`);
    return this.read('manifest', manifestSchema);
  }

  writeManifest(m: Manifest): void {
    writeJsonAtomic(this.path('manifest'), manifestSchema.parse(m));
  }

  readSummary(): Summary {
    if (!this.has('summary')) throw new HarnessError('E_NORUN', `${this.shown} has no ${FILES.summary} — finish or re-render that run first (harness report ${this.shown})`);
    return this.read('summary', summarySchema);
  }

  writeSummary(s: Summary): void {
    writeJsonAtomic(this.path('summary'), s);
  }

  /** Keep the packs and the redacted profile the run used (written once, at the run's start). */
  writeSnapshot(packs: Pack[], locale: Locale, profile: BankProfile, secrets: string[]): void {
    this.ensure();
    writeJsonAtomic(this.path('packs'), { packs, locale });
    writeJsonAtomic(this.path('profile'), redactSecrets(profile, secrets));
  }

  hasSnapshot(): boolean {
    return this.has('packs') && this.has('profile');
  }

  readSnapshot(): { packs: Pack[]; locale: Locale; profile: BankProfile } {
    const { packs, locale } = this.read('packs', packsSnapshotSchema);
    return { packs, locale, profile: this.read('profile', profileSnapshotSchema) };
  }

  private read<T extends z.ZodType>(file: keyof typeof FILES, schema: T): z.output<T> {
    const at = this.path(file);
    let data: unknown;
    try {
      data = JSON.parse(readFileSync(at, 'utf8'));
    } catch (err) {
      throw new HarnessError('E_RUNFILE', `${relative(process.cwd(), at)} is not valid JSON (${(err as Error).message}) — the run folder was edited or damaged`);
    }
    const r = schema.safeParse(data);
    if (!r.success) {
      const first = r.error.issues[0];
      throw new HarnessError('E_RUNFILE', `${relative(process.cwd(), at)}: ${first.path.join('.') || '(top)'}: ${first.message} — this is not a file written by this version of harness`);
    }
    return r.data;
  }
}

/** Every string leaf holding a secret from the environment is replaced: snapshots never carry secrets. */
export function redactSecrets<T>(value: T, secrets: string[]): T {
  const long = secrets.filter((s) => s.length >= 4);
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return long.some((s) => v.includes(s)) ? REDACTED : v;
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(value) as T;
}
