import { spawn } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startEmbeddedThread, stopEmbeddedThread } from '../../harness/embedded-thread.ts';
import { ROOT } from '../helpers/cli.ts';

// The embedded demo bank runs in a thread of its own, as a remote bot would:
// its clock and its work go on while the harness's thread is busy, two banks
// in one process keep apart, and a closed bank holds nothing open.

async function ask(base: string, text: string, sessionId = 's1'): Promise<{ reply: { text: string } }> {
  const res = await fetch(`${base}/api/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ sessionId, text }) });
  expect(res.status).toBe(200);
  return (await res.json()) as { reply: { text: string } };
}

describe('embedded bank thread', () => {
  it("answers on its own clock while the harness's thread is held", async () => {
    const bank = await startEmbeddedThread('demo', { latencyMs: 1000, jitterMs: 0 }, { only: ['api'] });
    try {
      const { hostname, port } = new URL(bank.vars.api);
      const socket = await new Promise<Socket>((resolve, reject) => {
        const s = connect(Number(port), hostname, () => resolve(s));
        s.once('error', reject);
      });
      const chunks: Buffer[] = [];
      socket.on('data', (c: Buffer) => chunks.push(c));
      const ended = new Promise<number>((resolve) => socket.once('end', () => resolve(Date.now())));
      const body = JSON.stringify({ sessionId: 's1', text: '我的银行卡丢了怎么办' });
      // Written to the kernel at once, then this thread is held for 4 s: a bank
      // in its own thread answers after its 1 s meanwhile; a bank in this
      // thread would read the question only after the hold, and answer 1 s later.
      const t0 = Date.now();
      socket.write(`POST /api/chat HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
      while (Date.now() < t0 + 4000);
      const heldUntil = Date.now();
      const end = await ended;
      expect(Buffer.concat(chunks).toString('utf8')).toMatch(/^HTTP\/1\.1 200[\s\S]*挂失/);
      expect(end - heldUntil).toBeLessThan(900);
    } finally {
      await bank.close();
    }
  });

  it('keeps two banks of one process apart: each has its own port and sessions, closing one leaves the other', async () => {
    const [a, b] = await Promise.all([startEmbeddedThread('demo', {}, { only: ['api'] }), startEmbeddedThread('demo', { brain: { quality: 'poor' } }, { only: ['api'] })]);
    expect(a.vars.api).not.toBe(b.vars.api);
    const question = '信用卡丢了怎么挂失';
    const [good, poor] = await Promise.all([ask(a.vars.api, question), ask(b.vars.api, question)]);
    expect(good.reply.text).not.toBe(poor.reply.text);
    await a.close();
    await expect(fetch(`${a.vars.api}/api/chat`, { method: 'POST', body: '{}' })).rejects.toThrow();
    expect((await ask(b.vars.api, question)).reply.text).toBe(poor.reply.text);
    await b.close();
  });

  it("says why a bank did not start, with the bank's own message", async () => {
    await expect(startEmbeddedThread('demo', { api: { sessionIdleMs: -5 } }, { only: ['api'] })).rejects.toThrow(/sessionIdleMs/);
    // The thread is still there for the next bank.
    const bank = await startEmbeddedThread('demo', {}, { only: ['api'] });
    expect((await ask(bank.vars.api, '你好')).reply.text).not.toBe('');
    await bank.close();
  });

  it('takes its banks with it when it ends: their ports refuse, and the next start gets a new thread', async () => {
    const bank = await startEmbeddedThread('demo', {}, { only: ['api'] });
    expect((await ask(bank.vars.api, '你好')).reply.text).not.toBe('');
    await stopEmbeddedThread();
    await expect(fetch(`${bank.vars.api}/api/chat`, { method: 'POST', body: '{}' })).rejects.toThrow();
    await bank.close();
    const next = await startEmbeddedThread('demo', {}, { only: ['api'] });
    try {
      expect((await ask(next.vars.api, '信用卡丢了怎么挂失')).reply.text).toMatch(/挂失/);
    } finally {
      await next.close();
    }
  });

  it('holds the process open only while a bank runs: a script that closes its bank exits by itself', async () => {
    const script = `
      const { startEmbeddedThread } = await import(${JSON.stringify(join(ROOT, 'harness/embedded-thread.ts'))});
      const bank = await startEmbeddedThread('demo', {}, { only: ['api'] });
      const res = await fetch(bank.vars.api + '/api/chat', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"text":"你好"}' });
      console.log(res.status);
      await bank.close();`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const code = await new Promise<number | null>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`the script did not exit by itself: ${out}`));
      }, 60_000);
      child.on('close', (c) => {
        clearTimeout(timer);
        resolve(c);
      });
    });
    expect(out.trim()).toBe('200');
    expect(code).toBe(0);
  });
});
