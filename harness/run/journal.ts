import { closeSync, existsSync, fsyncSync, ftruncateSync, openSync, readFileSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { HarnessError } from '../errors.ts';
import { z } from 'zod';
import { transportFaultKinds, type ConversationRecord } from '../types.ts';

// results.jsonl: one line per finished conversation, the lines of a tick
// appended with a single write() so a conversation is in the journal whole or
// not at all. A kill can
// at worst leave a torn last line, which reading drops and resuming truncates.

export const RESULTS = 'results.jsonl';

/** The contract of one journal line. Loose where adapters add evidence of their own. */
export const recordSchema = z.looseObject({
  id: z.string(),
  bank: z.string(),
  channel: z.string(),
  kind: z.enum(['online', 'hotline']),
  pack: z.string(),
  case: z.string(),
  variant: z.number().int(),
  repeat: z.number().int(),
  startedAt: z.string(),
  durationMs: z.number(),
  attempts: z.number().int(),
  turns: z.array(
    z.looseObject({
      index: z.number().int(),
      channel: z.string().optional(),
      unsent: z.object({ missing: z.array(z.string()) }).optional(),
      exchanges: z.array(
        z.looseObject({
          utterance: z.looseObject({ index: z.number().int(), text: z.string(), attempt: z.enum(['first', 'clarify-answer', 'rephrase', 'reply']) }),
          reply: z.looseObject({ text: z.string(), messages: z.array(z.looseObject({ text: z.string() })), buttons: z.array(z.string()) }),
        }),
      ),
    }),
  ),
  error: z.looseObject({ kind: z.enum([...transportFaultKinds, 'internal']), message: z.string() }).optional(),
  /** Cross-channel cases: the channels gone through in order, one session each; `channel` is then their route `web>hotline`. */
  route: z.array(z.string()).optional(),
  /** Values remembered from replies and said in later turns. */
  carried: z.record(z.string(), z.string()).optional(),
});

export class Journal {
  private fd: number;
  /** Lines of this tick, written together at the next turn of the event loop. */
  private pending: string[] = [];
  private scheduled = false;
  /** Every record of the journal, the ones found at open and those appended, as a reader would get them back. */
  readonly records: ConversationRecord[];
  private readonly ids: Set<string>;
  private readonly onExit = () => this.flush();

  constructor(
    readonly dir: string,
    existing: ConversationRecord[] = [],
  ) {
    this.fd = openSync(join(dir, RESULTS), 'a');
    this.records = [...existing];
    this.ids = new Set(existing.map((r) => r.id));
    // A forced exit (a second Ctrl-C) still writes what finished.
    process.on('exit', this.onExit);
  }

  /**
   * The conversations finished in the same tick go to disk in one write, each
   * line whole: a kill before it loses only conversations not yet written,
   * which resuming runs again, never a part of a line.
   */
  append(record: ConversationRecord): void {
    const line = JSON.stringify(record);
    this.pending.push(line + '\n');
    // Kept as reading the line back would give it (no undefined fields, no shared objects).
    const copy = JSON.parse(line) as ConversationRecord;
    if (!this.ids.has(copy.id)) {
      this.ids.add(copy.id);
      this.records.push(copy);
    }
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Write what is pending now. */
  flush(): void {
    this.scheduled = false;
    if (!this.pending.length || this.fd < 0) return;
    const text = this.pending.length === 1 ? this.pending[0] : this.pending.join('');
    this.pending = [];
    writeSync(this.fd, text);
  }

  close(): void {
    if (this.fd < 0) return;
    this.flush();
    process.off('exit', this.onExit);
    try {
      fsyncSync(this.fd);
    } catch {
      // fsync can fail on some filesystems; the data is already written
    }
    closeSync(this.fd);
    this.fd = -1;
  }
}

export interface JournalRead {
  records: ConversationRecord[];
  /** Bytes of a torn last line (from a killed run), dropped. */
  tornBytes: number;
}

/** Read a journal; later duplicates of an id (never written by us) are dropped. */
export function readJournal(dir: string): JournalRead {
  const file = join(dir, RESULTS);
  if (!existsSync(file)) return { records: [], tornBytes: 0 };
  const text = readFileSync(file, 'utf8');
  const records: ConversationRecord[] = [];
  const seen = new Set<string>();
  let tornBytes = 0;
  let start = 0;
  let lineNo = 0;
  while (start < text.length) {
    const nl = text.indexOf('\n', start);
    lineNo++;
    if (nl < 0) {
      tornBytes = Buffer.byteLength(text.slice(start));
      break;
    }
    const line = text.slice(start, nl);
    start = nl + 1;
    if (!line.trim()) continue;
    let data: unknown;
    try {
      data = JSON.parse(line);
    } catch {
      throw new HarnessError('E_JOURNAL', `${file}:${lineNo}:1 is not valid JSON — the journal was edited or corrupted; remove that line and resume`);
    }
    const parsed = recordSchema.safeParse(data);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new HarnessError('E_JOURNAL', `${file}:${lineNo}:1 ${issue.path.join('.') || 'record'}: ${issue.message} — not a conversation record of this version of harness; remove that line and resume`);
    }
    // The schema checks what every reader relies on; adapters' evidence stays as written.
    const record = data as ConversationRecord;
    if (seen.has(record.id)) continue;
    seen.add(record.id);
    records.push(record);
  }
  return { records, tornBytes };
}

/** Drop a torn last line left by a killed run, so appending continues cleanly. */
export function repairJournal(dir: string): number {
  const { tornBytes } = readJournal(dir);
  if (!tornBytes) return 0;
  const file = join(dir, RESULTS);
  const size = Buffer.byteLength(readFileSync(file, 'utf8'));
  const fd = openSync(file, 'r+');
  ftruncateSync(fd, size - tornBytes);
  closeSync(fd);
  return tornBytes;
}

/** Rewrite the journal without some ids (to rerun errored conversations), atomically. */
export function dropFromJournal(dir: string, ids: Set<string>): void {
  const { records } = readJournal(dir);
  const file = join(dir, RESULTS);
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, records.filter((r) => !ids.has(r.id)).map((r) => JSON.stringify(r) + '\n').join(''));
  renameSync(tmp, file);
}

export function writeJsonAtomic(file: string, data: unknown): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(data, null, 2) + '\n');
  renameSync(tmp, file);
}
