import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agents, request, RequestTimeout } from '../../adapters/http/request.ts';
import { withTimeout } from '../../harness/run/conversation.ts';
import { sendAndHold } from '../helpers/held-loop.ts';

// On a loaded machine the harness's own work (a cold grader building its
// tables, a report) can hold its event loop past a turn's deadline while the
// bot's reply sits unread in the socket. When the loop comes back it runs the
// expired timers before it reads the sockets: the reply that came in time
// must still count, not a timeout blamed on the bot.

let bot: Worker;
let url = '';
const agents = new Agents();

beforeAll(async () => {
  // The bot in a thread of its own: it answers while this thread is held.
  bot = new Worker(
    `const http = require('node:http');
     const { parentPort } = require('node:worker_threads');
     const server = http.createServer((req, res) => {
       req.resume();
       // /silent never answers.
       if (req.url !== '/silent') req.on('end', () => setTimeout(() => res.end(JSON.stringify({ reply: '您好，挂失请拨打客服热线' })), 100));
     });
     server.listen(0, '127.0.0.1', () => parentPort.postMessage(server.address().port));`,
    { eval: true },
  );
  url = `http://127.0.0.1:${await new Promise<number>((r) => bot.once('message', r))}/chat`;
});

afterAll(async () => {
  agents.destroy();
  await bot?.terminate();
});

const init = (timeoutMs?: number) => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"text":"卡丢了"}', signal: new AbortController().signal, timeoutMs });

describe('a deadline that passes while the harness holds its own loop', () => {
  it('the HTTP request takes the response that arrived in time', async () => {
    const res = await sendAndHold(() => request(agents, url, init(300)));
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body).reply).toContain('挂失');
  });

  it('the turn takes the reply that arrived in time', async () => {
    const res = await sendAndHold(() => withTimeout(() => request(agents, url, init()), 300, new AbortController().signal));
    expect(JSON.parse(res.body).reply).toContain('挂失');
  });

  it('a bot that has not answered by the deadline still times out', async () => {
    const silent = url.replace('/chat', '/silent');
    await expect(sendAndHold(() => request(agents, silent, init(300)))).rejects.toBeInstanceOf(RequestTimeout);
    await expect(sendAndHold(() => withTimeout(() => request(agents, silent, init()), 300, new AbortController().signal))).rejects.toMatchObject({ kind: 'timeout' });
  });
});
