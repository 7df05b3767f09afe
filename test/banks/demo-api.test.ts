import { spawn } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { replyDelay, startApi } from '../../banks/demo/api.ts';
import { createBrain } from '../../banks/demo/brain/index.ts';
import type { DemoOptions, RunningPart } from '../../banks/demo/part.ts';

const running: RunningPart[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((p) => p.close()));
});

async function start(options: Partial<DemoOptions> = {}): Promise<string> {
  const opts: DemoOptions = { latencyMs: 0, jitterMs: 0, brain: { quality: 'good', contextKeep: 0.5 }, ...options };
  const part = await startApi(createBrain(opts.brain), opts);
  running.push(part);
  return part.vars.api;
}

async function chat(base: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${base}/api/chat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { res, json: (await res.json()) as any };
}

describe('demo bank HTTP bot API', () => {
  it('publishes a loopback URL and answers health checks', async () => {
    const base = await start();
    expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(`${base}/api/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true });
  });

  it('answers a chat message in the documented shape, with bubbles, intent and handoff', async () => {
    const base = await start();
    const { res, json } = await chat(base, { sessionId: 's-1', text: '绑卡手机丢失如何处理？' });
    expect(res.status).toBe(200);
    expect(json.sessionId).toBe('s-1');
    expect(json.intent).toBe('card.report_loss');
    expect(json.handoff).toBe(false);
    expect(json.reply.messages.length).toBeGreaterThan(1);
    expect(json.reply.messages.map((m: { text: string }) => m.text).join('')).toBe(json.reply.text);
    expect(json.reply.buttons).toEqual([]);

    const menu = await chat(base, { sessionId: 's-2', text: '卡' });
    expect(menu.json.intent).toBeNull();
    expect(menu.json.reply.buttons).toContain('银行卡挂失');
    const human = await chat(base, { sessionId: 's-3', text: '转人工' });
    expect(human.json.handoff).toBe(true);
  });

  it('creates a session when none is sent, sets a demo_sid cookie and honours it on the next turn', async () => {
    const base = await start({ brain: { quality: 'good', contextKeep: 1 } });
    const first = await chat(base, { text: '我要开户' });
    const id = first.json.sessionId as string;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const cookie = first.res.headers.get('set-cookie') ?? '';
    expect(cookie).toContain(`demo_sid=${id}`);
    // Context is kept (contextKeep 1), so the follow-up lands in the same session only through the cookie.
    const second = await chat(base, { text: '要带什么？' }, { cookie: `demo_sid=${id}` });
    expect(second.json.sessionId).toBe(id);
    expect(second.json.intent).toBe('account.open');
    expect(second.res.headers.get('set-cookie')).toBeNull();
    const stranger = await chat(base, { text: '要带什么？' });
    expect(stranger.json.sessionId).not.toBe(id);
    expect(stranger.json.intent).toBeNull();
  });

  it('serves the welcome message and lets a client end its session', async () => {
    const base = await start();
    const res = await fetch(`${base}/api/welcome?sessionId=w-1`);
    const json = (await res.json()) as any;
    expect(json).toMatchObject({ sessionId: 'w-1', intent: null, kind: 'greeting' });
    expect(json.reply.text).toContain('示例银行');
    expect(json.reply.buttons.length).toBeGreaterThan(0);
    const health = async () => ((await (await fetch(`${base}/api/health`)).json()) as any).sessions;
    expect(await health()).toBe(1);
    expect((await fetch(`${base}/api/sessions/w-1`, { method: 'DELETE' })).status).toBe(204);
    expect(await health()).toBe(0);
  });

  it('rejects a malformed body with 400 and a JSON error', async () => {
    const base = await start();
    const bad = await chat(base, '{"text": 不是JSON');
    expect(bad.res.status).toBe(400);
    expect(bad.json.error.code).toBe('bad-json');
    const noText = await chat(base, { sessionId: 'x' });
    expect(noText.res.status).toBe(400);
    expect(noText.json.error.message).toContain('"text"');
    const notFound = await fetch(`${base}/api/nothing`);
    expect(notFound.status).toBe(404);
  });

  it('replies after latencyMs ± jitterMs, never before the seeded delay', async () => {
    // How close the median is to the configured delay is a benchmark figure (bench/suite-figures.bench.ts).
    const twin = await start();
    const base = await start({ latencyMs: 200, jitterMs: 50 });
    const roundTrip = async (url: string, sessionId: string) => {
      const t0 = performance.now();
      await chat(url, { sessionId, text: '查询附近网点地址' });
      return performance.now() - t0;
    };
    const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
    await roundTrip(twin, 'warm-up');
    const delayed: number[] = [];
    const plain: number[] = [];
    const seeded: number[] = [];
    for (let i = 0; i < 21; i++) {
      plain.push(await roundTrip(twin, `plain-${i}`));
      const took = await roundTrip(base, `lat-${i}`);
      seeded.push(replyDelay(`lat-${i}`, 1, 200, 50));
      expect(took).toBeGreaterThanOrEqual(seeded[i] - 2);
      delayed.push(took);
    }
    expect(median(delayed)).toBeGreaterThan(median(plain));
    // Jitter spreads the delays across the ±50 ms band.
    expect(Math.max(...seeded) - Math.min(...seeded)).toBeGreaterThan(50);
    expect(Math.min(...seeded)).toBeGreaterThanOrEqual(150);
    expect(Math.max(...seeded)).toBeLessThanOrEqual(250);
  });

  it('injects a 503 with Retry-After on every Nth request, and the retried turn is answered in context', async () => {
    const base = await start({ api: { faults: { every: 3, status: 503, retryAfterS: 2 } }, brain: { quality: 'good', contextKeep: 1 } });
    const statuses: number[] = [];
    let fault: Awaited<ReturnType<typeof chat>> | undefined;
    for (let i = 0; i < 6; i++) {
      const answer = await chat(base, { sessionId: `f${i}`, text: '查询网点电话' });
      statuses.push(answer.res.status);
      if (answer.res.status !== 200) fault = answer;
    }
    expect(statuses).toEqual([200, 200, 503, 200, 200, 503]);
    expect(fault!.res.headers.get('retry-after')).toBe('2');
    expect(fault!.json).toMatchObject({ error: { code: 'unavailable' } });
    // Requests 7, 8, 9: the follow-up hits the fault, its retry still finds the topic.
    expect((await chat(base, { sessionId: 'ctx', text: '我要开户' })).res.status).toBe(200);
    expect((await chat(base, { sessionId: 'ctx', text: '收费吗？' })).res.status).toBe(200);
    expect((await chat(base, { sessionId: 'ctx', text: '要带什么？' })).res.status).toBe(503);
    const retried = await chat(base, { sessionId: 'ctx', text: '要带什么？' });
    expect(retried.json.intent).toBe('account.open');
    expect(retried.json.reply.text).toContain('身份证件');
  });

  it('can answer 429 rate limiting instead', async () => {
    const base = await start({ api: { faults: { every: 1, status: 429, retryAfterS: 5 } } });
    const { res, json } = await chat(base, { sessionId: 'r', text: '你好' });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('5');
    expect(json.error.code).toBe('rate-limited');
  });

  it('forgets idle sessions, so a long benchmark does not grow without bound', async () => {
    const base = await start({ api: { sessionIdleMs: 500 }, brain: { quality: 'good', contextKeep: 1 } });
    const sessions = async () => ((await (await fetch(`${base}/api/health`)).json()) as any).sessions;
    await chat(base, { sessionId: 'old', text: '我要开户' });
    await chat(base, { sessionId: 'other', text: '你好' });
    expect(await sessions()).toBe(2);
    await new Promise((r) => setTimeout(r, 650));
    // Both went idle; the old one is gone, so its follow-up no longer has a topic to follow.
    const after = await chat(base, { sessionId: 'old', text: '要带什么？' });
    expect(after.json.intent).toBeNull();
    expect(await sessions()).toBe(1);
  });

  it('caps the number of live sessions, dropping the least recently used', async () => {
    const base = await start({ api: { maxSessions: 5 } });
    for (let i = 0; i < 12; i++) await chat(base, { sessionId: `cap-${i}`, text: '你好' });
    expect(((await (await fetch(`${base}/api/health`)).json()) as any).sessions).toBe(5);
  });

  it('keeps connections alive, and close() ends them so nothing lingers', async () => {
    const base = await start({ latencyMs: 10_000 });
    const { port } = new URL(base);
    const part = running.pop()!;
    // A request still waiting for its (slow) reply when the server closes.
    const pending = new Promise<string>((resolve) => {
      const req = httpRequest({ host: '127.0.0.1', port, path: '/api/chat', method: 'POST', headers: { 'content-type': 'application/json', connection: 'keep-alive' } });
      req.on('response', () => resolve('answered'));
      req.on('error', (err) => resolve(`error: ${err.message}`));
      req.end(JSON.stringify({ sessionId: 'k', text: '你好' }));
    });
    await new Promise((r) => setTimeout(r, 50));
    // close() does not wait for the idle keep-alive timeout: a hang would time the test out.
    await part.close();
    expect(await pending).toMatch(/^error/);
  });

  it('lets a Node process that started and closed the API exit by itself', async () => {
    const script = `
      import { startApi } from './banks/demo/api.ts';
      import { createBrain } from './banks/demo/brain/index.ts';
      const opts = { latencyMs: 50, jitterMs: 20, brain: { quality: 'good', contextKeep: 0.5 } };
      const part = await startApi(createBrain(opts.brain), opts);
      const res = await fetch(part.vars.api + '/api/chat', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: '我的银行卡丢了' }) });
      console.log((await res.json()).intent);
      await part.close();
    `;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: process.cwd() });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const code = await new Promise<number | null>((resolve) => {
      const kill = setTimeout(() => child.kill('SIGKILL'), 120_000);
      child.on('exit', (c) => {
        clearTimeout(kill);
        resolve(c);
      });
    });
    expect(out.trim()).toBe('card.report_loss');
    expect(code).toBe(0);
  });
});
