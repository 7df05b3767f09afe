import { createServer, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpConfigSchema } from '../../adapters/http/config.ts';
import { createHttpAdapter } from '../../adapters/http/index.ts';
import { backoffMs } from '../../harness/run/retry.ts';
import { TransportFault, type Adapter, type AdapterContext } from '../../harness/types.ts';
import { runCli, tempDir } from '../helpers/cli.ts';

// A bank's JSON bot API, as the profile describes it: templated request,
// response fields by path, a session cookie, and faults told apart.

let server: Server;
let base = '';
const seen: { body: any; cookie?: string }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let raw = '';
    req.on('data', (d) => (raw += d));
    req.on('end', () => {
      const body = raw ? JSON.parse(raw) : {};
      seen.push({ body, cookie: req.headers.cookie });
      if (req.url === '/garbage') return res.end('<html>oops</html>');
      if (req.url === '/busy') {
        res.writeHead(429, { 'retry-after': '2' });
        return res.end();
      }
      if (req.url === '/bad') {
        res.writeHead(400);
        return res.end('{"error":"query missing"}');
      }
      if (req.url === '/hang') return; // never answers
      res.writeHead(200, { 'content-type': 'application/json', 'set-cookie': 'SID=abc123; Path=/; HttpOnly' });
      res.end(JSON.stringify({ data: { answers: [{ content: `您说的是：${body.q}` }, { content: '还有什么可以帮您？' }], chips: [{ title: '挂失' }, { title: '补卡' }], intent: 'card.report_loss', session: 'srv-7' } }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as any).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

// A bot that answers is given all the time a loaded machine may need; only the one that hangs meets a short turn timeout.
const env = (turnTimeoutMs: number) => ({ runDir: '/tmp', profileDir: '/tmp', options: { screenshots: false, trace: 'off' as const, turnTimeoutMs, debug: false }, log: () => {} });
const ctx = { conversationId: 'b/api/p/c#0.0', bank: 'b', channel: 'api', evidenceDir: '/tmp/e', relative: (p: string) => p, seed: 1, signal: new AbortController().signal, log: () => {} } satisfies AdapterContext;

function adapter(path: string, turnTimeoutMs = 30_000) {
  const config = httpConfigSchema.parse({
    url: base + path,
    request: { q: '{{text}}', sid: '{{sessionId}}', n: '{{turn}}' },
    response: { text: 'data.answers[*].content', buttons: 'data.chips[*].title', intent: 'data.intent', sessionId: 'data.session' },
  });
  return createHttpAdapter(config, env(turnTimeoutMs)) as Adapter;
}

describe('http adapter', () => {
  it('fills the request template, reads fields by path, and keeps the session', async () => {
    const a = await adapter('/chat');
    const s = await a.open(ctx);
    const signal = new AbortController().signal;
    const r1 = await s.send({ index: 0, text: '卡丢了', attempt: 'first' }, signal);
    expect(r1.text).toBe('您说的是：卡丢了\n还有什么可以帮您？');
    expect(r1.messages.map((m: { text: string }) => m.text)).toEqual(['您说的是：卡丢了', '还有什么可以帮您？']);
    expect(r1.buttons).toEqual(['挂失', '补卡']);
    expect(r1.intent).toBe('card.report_loss');
    expect(r1.latency.firstMs).toBeGreaterThanOrEqual(0);
    await s.send({ index: 1, text: '要带什么', attempt: 'first' }, signal);
    const [first, second] = seen.slice(-2);
    expect(first.body).toMatchObject({ q: '卡丢了', n: 1 });
    expect(second.body).toMatchObject({ q: '要带什么', sid: 'srv-7', n: 2 });
    expect(second.cookie).toBe('SID=abc123');
    await s.close({ failed: false });
  });

  it('tells faults apart: rate limit with Retry-After, non-JSON, client error, timeout', async () => {
    const signal = new AbortController().signal;
    const u = { index: 0, text: 'x', attempt: 'first' as const };
    const busy = await (await (await adapter('/busy')).open(ctx)).send(u, signal).catch((e: unknown) => e);
    expect(busy).toBeInstanceOf(TransportFault);
    expect(busy).toMatchObject({ kind: 'rate-limited', opts: { retryAfterMs: 2000 } });
    expect(backoffMs({ max: 3, baseMs: 100, maxMs: 1000 }, 1, busy)).toBe(2000);
    const garbage = await (await (await adapter('/garbage')).open(ctx)).send(u, signal).catch((e: unknown) => e);
    expect(garbage).toMatchObject({ kind: 'protocol', retryable: false });
    expect((garbage as Error).message).toContain('non-JSON');
    const bad = await (await (await adapter('/bad')).open(ctx)).send(u, signal).catch((e: unknown) => e);
    expect(bad).toMatchObject({ kind: 'protocol', retryable: false });
    const hang = await (await (await adapter('/hang', 500)).open(ctx)).send(u, signal).catch((e: unknown) => e);
    expect(hang).toMatchObject({ kind: 'timeout', retryable: true });
  });
});

describe('retries against the demo API', () => {
  it('retries 503s honouring Retry-After and ends with the same scores as a clean run', async () => {
    const args = ['run', '--bank', 'demo', '--channel', 'api', '--scenario', 'balance-inquiry', '--progress', 'none'];
    const clean = join(tempDir(), 'clean');
    const faulty = join(tempDir(), 'faulty');
    // Independent runs: both at once.
    const [c, r] = await Promise.all([
      runCli([...args, '--out', clean]),
      // One conversation at a time: with several, a resend can land on the next 4th request again and again (a global count).
      runCli([...args, '--out', faulty, '--concurrency', '1', '--set', 'embeddedOptions.api.faults.every=4', '--set', 'embeddedOptions.api.faults.retryAfterS=0', '--set', 'retries.baseMs=10']),
    ]);
    expect(c.code, c.stderr).toBe(0);
    expect(r.code, r.stderr).toBe(0);
    const records = readFileSync(join(faulty, 'results.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    // A 503 is resent in the same session: the exchange counts it, the conversation is not restarted.
    expect(records.some((x) => x.turns.some((t: any) => t.exchanges.some((e: any) => e.retries > 0)))).toBe(true);
    expect(records.every((x) => x.attempts === 1)).toBe(true);
    expect(records.every((x) => !x.error)).toBe(true);
    const s = (d: string) => JSON.parse(readFileSync(join(d, 'summary.json'), 'utf8')).channels.api;
    expect([s(faulty).recognition, s(faulty).completeness]).toEqual([s(clean).recognition, s(clean).completeness]);
  });
});
