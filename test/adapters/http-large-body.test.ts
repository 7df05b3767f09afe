import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpConfigSchema } from '../../adapters/http/config.ts';
import { createHttpAdapter } from '../../adapters/http/index.ts';
import { LargeJsonParser } from '../../adapters/http/large-json.ts';
import { clipReply } from '../../harness/run/store.ts';
import { REPLY_FULL_CAP, REPLY_TEXT_CAP as TEXT_CAP, TransportFault, type Adapter, type AdapterContext } from '../../harness/types.ts';

// A body past 1 MiB is parsed as it arrives, each string kept only as far as
// the run stores it. The parse must read what JSON.parse reads, whatever
// the chunking, and say how long each cut string was.

/** Parse `text` fed in pieces cut at the given byte offsets. */
function parseInPieces(text: string, cuts: number[], keepBytes = Number.MAX_SAFE_INTEGER) {
  const bytes = Buffer.from(text);
  const p = new LargeJsonParser(keepBytes);
  let at = 0;
  for (const c of [...cuts.filter((c) => c > 0 && c < bytes.length).sort((a, b) => a - b), bytes.length]) {
    p.write(bytes.subarray(at, c));
    at = c;
  }
  return p.end();
}

/** A small deterministic generator, so a failure names its seed. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 2 ** 32);
}

const PIECES = ['挂失', '银行卡', 'a"b', 'c\\d', '\n\t', '\u0001', '😀', 'é', '\u2028', 'ok', ' ', '/', '\ud83c\udfe6'];
function value(r: () => number, depth: number): unknown {
  const k = Math.floor(r() * (depth > 3 ? 5 : 7));
  if (k === 0) return Array.from({ length: Math.floor(r() * 6) }, () => PIECES[Math.floor(r() * PIECES.length)]).join('');
  if (k === 1) return [0, -1, 3.25, 1e21, -2.5e-7, 123456789012, 0.1][Math.floor(r() * 7)];
  if (k === 2) return [true, false, null][Math.floor(r() * 3)];
  if (k === 3) return '长'.repeat(Math.floor(r() * 700)); // past the tokenizer's 256-character pieces
  if (k === 4) return '';
  if (k === 5) return Array.from({ length: Math.floor(r() * 4) }, () => value(r, depth + 1));
  const o: Record<string, unknown> = {};
  for (let i = Math.floor(r() * 4); i > 0; i--) o[`${PIECES[Math.floor(r() * PIECES.length)]}${i}`] = value(r, depth + 1);
  return o;
}

describe('a large JSON body parsed as it arrives', () => {
  it('reads what JSON.parse reads, however the bytes are cut (200 generated bodies, cut at random)', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const r = rng(seed);
      const v = value(r, 0);
      const text = r() < 0.5 ? JSON.stringify(v) : JSON.stringify(v, null, 2);
      const n = Buffer.byteLength(text);
      const cuts = Array.from({ length: Math.floor(r() * 12) }, () => Math.floor(r() * n));
      const got = parseInPieces(text, cuts);
      expect(got.value, `seed ${seed}`).toEqual(JSON.parse(text));
      expect(got.clipped.size).toBe(0);
    }
  });

  it('cuts a string at the last whole character within its byte budget and says how long it was', () => {
    const long = '系统调试输出，重复内容。'.repeat(50_000);
    // The debug field echoes the answer's first 40,000 characters: cut to the same text, the longer length counts.
    const text = JSON.stringify({ answer: long, short: '您好', list: [long, 1], debug: long.slice(0, 40_000) });
    const got = parseInPieces(text, Array.from({ length: 40 }, (_, i) => i * 65_536 + 7), 64 * 1024);
    const v = got.value as { answer: string; short: string; list: [string, number] };
    expect(long.startsWith(v.answer)).toBe(true);
    expect(Buffer.byteLength(v.answer)).toBeLessThanOrEqual(64 * 1024);
    expect(Buffer.byteLength(v.answer)).toBeGreaterThan(64 * 1024 - 3);
    expect(got.clipped.get(v.answer)).toBe(long.length);
    expect(v.short).toBe('您好');
    expect(v.list[1]).toBe(1);
    expect((got.value as { debug: string }).debug).toBe(v.answer);
  });

  it('never cuts a character in two', () => {
    const got = parseInPieces(JSON.stringify(['😀'.repeat(100), '银行'.repeat(10)]), [5, 6, 7], 10);
    expect(got.value).toEqual(['😀😀', '银行银']);
    expect([...got.clipped.values()]).toEqual([200, 20]);
  });

  it('keeps "__proto__" an own key, as JSON.parse does', () => {
    const v = parseInPieces('{"__proto__":{"polluted":1},"a":2}', [3, 9]).value as Record<string, unknown>;
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
    expect(Object.keys(v)).toEqual(['__proto__', 'a']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses what is not one JSON value', () => {
    for (const bad of ['{"a":', '{"a":1}x', '[1,]', '<html>oops</html>', '{"a" 1}']) expect(() => parseInPieces(bad, [2]), bad).toThrow();
  });
});

// A bot answering with megabytes, over HTTP: the reply arrives cut, marked
// with its real length, and what the run grades is clipped from it.

let server: Server;
let base = '';
const ANSWER = '请立即拨打客服热线95588办理挂失。';
const RUNAWAY = `${ANSWER}\n${'知识库检索结果重复，继续生成……\n'.repeat(120_000)}`;

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      if (req.url === '/huge') return res.end(JSON.stringify({ data: { answers: [{ content: RUNAWAY }, { content: '还有什么可以帮您？' }], intent: 'card.report_loss' } }));
      if (req.url === '/huge-html') return res.end(`<html>${'x'.repeat(2 * 1024 * 1024)}</html>`);
      if (req.url === '/medium') return res.end(JSON.stringify({ data: { answers: [{ content: RUNAWAY.slice(0, 100_000) }] } }));
      res.end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as any).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const ctx = { conversationId: 'b/api/p/c#0.0', bank: 'b', channel: 'api', evidenceDir: '/tmp/e', relative: (p: string) => p, seed: 1, signal: new AbortController().signal, log: () => {} } satisfies AdapterContext;
function adapter(path: string): Adapter {
  // The factory is synchronous for http.
  const config = httpConfigSchema.parse({ url: base + path, request: { q: '{{text}}' }, response: { text: 'data.answers[*].content', intent: 'data.intent' } });
  return createHttpAdapter(config, { runDir: '/tmp', profileDir: '/tmp', options: { screenshots: false, trace: 'off', turnTimeoutMs: 30_000, debug: false }, log: () => {} }) as Adapter;
}
const ask = { text: '我的卡丢了', index: 0, attempt: 'first' as const };

describe('the http adapter on a reply of megabytes', () => {
  it('reads a 3 MiB reply cut on arrival, marked with its whole length, and the fields beside it whole', async () => {
    expect(Buffer.byteLength(RUNAWAY)).toBeGreaterThan(3 * 1024 * 1024);
    const a = adapter('/huge');
    const session = await a.open(ctx);
    const reply = await session.send(ask, ctx.signal);
    await a.dispose();
    expect(reply.text.startsWith(ANSWER)).toBe(true);
    // harness try shows the body's beginning and its whole size.
    const shown = session.inspect!()!.response!.body ?? '';
    expect(shown.length).toBeLessThan(9000);
    expect(shown).toMatch(new RegExp(`… \\(${Buffer.byteLength(JSON.stringify({ data: { answers: [{ content: RUNAWAY }, { content: '还有什么可以帮您？' }], intent: 'card.report_loss' } }))} bytes in all`));
    expect(Buffer.byteLength(reply.messages[0].text)).toBeLessThanOrEqual(REPLY_FULL_CAP);
    expect(reply.messages[1].text).toBe('还有什么可以帮您？');
    expect(reply.intent).toBe('card.report_loss');
    // The two messages joined, as the text would have been had nothing been cut.
    expect(reply.truncated).toEqual({ originalChars: RUNAWAY.length + 1 + '还有什么可以帮您？'.length });
    const graded = clipReply(reply);
    expect(Buffer.byteLength(graded.text)).toBeLessThanOrEqual(TEXT_CAP);
    expect(graded.truncated).toEqual(reply.truncated);
  });

  it('leaves a body under 1 MiB to JSON.parse, whole', async () => {
    const a = adapter('/medium');
    const reply = await (await a.open(ctx)).send(ask, ctx.signal);
    await a.dispose();
    expect(reply.text).toBe(RUNAWAY.slice(0, 100_000));
    expect(reply.truncated).toBeUndefined();
  });

  it('calls a 2 MiB body that is not JSON a protocol fault, quoting its start', async () => {
    const a = adapter('/huge-html');
    const err = await (await a.open(ctx)).send(ask, ctx.signal).catch((e) => e);
    await a.dispose();
    expect(err).toBeInstanceOf(TransportFault);
    expect(err.kind).toBe('protocol');
    expect(err.message).toMatch(/non-JSON: "<html>x/);
  });
});
