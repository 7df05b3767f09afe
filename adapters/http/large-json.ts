import { StringDecoder } from 'node:string_decoder';
import { jsonParser, type Token } from 'stream-json/core/parser.js';
import { getManyValues, isMany, none } from 'stream-chain/defs.js';

// A bot can answer with megabytes (a runaway generation, a debug dump). Read
// whole and handed to JSON.parse, such a body lives three times over — the
// bytes, the decoded text, the parsed strings — and a few of them arriving at
// once take hundreds of MB before the run clips them. A large body is parsed
// as it arrives instead (stream-json's tokenizer), each string kept only up
// to what the run can store of it, so nothing the size of the body is ever
// held. JSON.parse stays for ordinary bodies: it is several times faster.

/** A parse of a large JSON body: the value, with each string clipped past `keepBytes` of UTF-8. */
export interface LargeJson {
  value: unknown;
  /** Each clipped string → its length before clipping (UTF-16 units; of the longest, when two were cut to the same text). */
  clipped: Map<string, number>;
}

type Container = { kind: 'object'; value: Record<string, unknown>; key: string | undefined } | { kind: 'array'; value: unknown[] };

/**
 * Feed it the body's bytes as they come; `end()` gives the value, or throws
 * the first error for a body that is not one JSON value (what comes after
 * that error is not parsed). `head` keeps the first `headChars` of the text,
 * for messages and inspection.
 */
export class LargeJsonParser {
  private readonly tokenize = jsonParser({ packKeys: true, streamKeys: false, packStrings: false, streamStrings: true, packNumbers: true, streamNumbers: false });
  private readonly decoder = new StringDecoder('utf8');
  private readonly stack: Container[] = [];
  private readonly clipped = new Map<string, number>();
  private root: { value: unknown } | undefined;
  /** The string being read: its kept parts and its whole length so far. */
  private parts: string[] = [];
  private kept = 0;
  private length = 0;
  private error: unknown;
  head = '';

  constructor(
    private readonly keepBytes: number,
    private readonly headChars = 8192,
  ) {}

  write(bytes: Buffer): void {
    this.feed(this.decoder.write(bytes));
  }

  end(): LargeJson {
    this.feed(this.decoder.end());
    this.guard(() => this.take((this.tokenize as (input: unknown) => unknown)(none))); // flush
    if (this.error !== undefined) throw this.error;
    if (!this.root || this.stack.length) throw new SyntaxError('Unexpected end of JSON input');
    return { value: this.root.value, clipped: this.clipped };
  }

  private feed(text: string): void {
    if (!text) return;
    if (this.head.length < this.headChars) this.head += text.slice(0, this.headChars - this.head.length);
    this.guard(() => this.take(this.tokenize(text)));
  }

  /** Past its first error the body is only counted into `head`: the error is what `end()` reports. */
  private guard(step: () => void): void {
    if (this.error !== undefined) return;
    try {
      step();
    } catch (err) {
      this.error = err;
    }
  }

  private take(out: unknown): void {
    if (!isMany(out)) return;
    for (const t of getManyValues(out) as Token[]) this.token(t);
  }

  private token(t: Token): void {
    switch (t.name) {
      case 'startObject':
        return this.open({ kind: 'object', value: {}, key: undefined });
      case 'startArray':
        return this.open({ kind: 'array', value: [] });
      case 'endObject':
      case 'endArray':
        this.stack.pop();
        return;
      case 'keyValue':
        (this.stack.at(-1) as Extract<Container, { kind: 'object' }>).key = t.value;
        return;
      case 'startString':
        this.parts = [];
        this.kept = 0;
        this.length = 0;
        return;
      case 'stringChunk': {
        this.length += t.value.length;
        const room = this.keepBytes - this.kept;
        if (room <= 0) return;
        const bytes = Buffer.byteLength(t.value, 'utf8');
        if (bytes <= room) {
          this.parts.push(t.value);
          this.kept += bytes;
          return;
        }
        // The piece (≤ 256 characters, never half a surrogate pair) cut at the last whole character that fits.
        let end = 0;
        let used = 0;
        for (const ch of t.value) {
          const n = Buffer.byteLength(ch, 'utf8');
          if (used + n > room) break;
          used += n;
          end += ch.length;
        }
        this.parts.push(t.value.slice(0, end));
        this.kept = this.keepBytes;
        return;
      }
      case 'endString': {
        // Flattened, so the kept text holds no reference to the chunks it came from.
        const s = this.parts.length === 1 ? this.parts[0] : this.parts.join('');
        this.parts = [];
        // Two strings cut to the same text (a debug field echoing the reply) share an entry: the longer counts.
        if (this.length > s.length) this.clipped.set(s, Math.max(this.length, this.clipped.get(s) ?? 0));
        return this.put(s);
      }
      case 'numberValue':
        return this.put(Number(t.value));
      case 'trueValue':
      case 'falseValue':
      case 'nullValue':
        return this.put(t.value);
    }
  }

  private open(c: Container): void {
    this.put(c.value);
    this.stack.push(c);
  }

  private put(v: unknown): void {
    const top = this.stack.at(-1);
    if (!top) {
      this.root = { value: v };
      return;
    }
    if (top.kind === 'array') {
      top.value.push(v);
      return;
    }
    const key = top.key ?? '';
    // As JSON.parse does: "__proto__" is an own key, not the object's prototype.
    if (key === '__proto__') Object.defineProperty(top.value, key, { value: v, writable: true, enumerable: true, configurable: true });
    else top.value[key] = v;
    top.key = undefined;
  }
}
