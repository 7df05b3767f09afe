import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agents, request, RequestTimeout } from '../../adapters/http/request.ts';
import { websocketTransport } from '../../adapters/hotline/transport/websocket.ts';
import { websocketTransportConfigSchema } from '../../adapters/hotline/transport/websocket-config.ts';
import { withTimeout } from '../../harness/run/conversation.ts';
import { sendAndHold } from '../helpers/held-loop.ts';

// On a loaded machine the harness's own work (a cold grader building its
// tables, a report) can hold its event loop past a turn's deadline while the
// bot's reply sits unread in the socket. When the loop comes back it runs the
// expired timers before it reads the sockets: the reply that came in time
// must still count, not a timeout blamed on the bot.

let bot: Worker;
/** The bot's and the phone line's answers, counted by their threads as they write them. */
const answered = new Int32Array(new SharedArrayBuffer(4));
let url = '';
let wsUrl = '';
const agents = new Agents();

beforeAll(async () => {
  // The bot in a thread of its own: it answers while this thread is held.
  bot = new Worker(
    `const http = require('node:http');
     const { parentPort, workerData: answered } = require('node:worker_threads');
     const server = http.createServer((req, res) => {
       req.resume();
       // /silent never answers.
       if (req.url !== '/silent') req.on('end', () => setTimeout(() => res.end(JSON.stringify({ reply: '您好，挂失请拨打客服热线' }), () => Atomics.add(answered, 0, 1)), 100));
     });
     server.listen(0, '127.0.0.1', () => parentPort.postMessage(server.address().port));`,
    { eval: true, workerData: answered },
  );
  url = `http://127.0.0.1:${await new Promise<number>((r) => bot.once('message', r))}/chat`;
  // A phone line's WebSocket endpoint, in the same thread: it accepts the upgrade after 100 ms (the RFC 6455 handshake) or, on /silent, never.
  const line = new Worker(
    `const http = require('node:http');
     const { createHash } = require('node:crypto');
     const { parentPort, workerData: answered } = require('node:worker_threads');
     const server = http.createServer();
     server.on('upgrade', (req, socket) => {
       socket.on('error', () => {});
       if (req.url === '/silent') return;
       const accept = createHash('sha1').update(req.headers['sec-websocket-key'] + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11').digest('base64');
       setTimeout(() => socket.write('HTTP/1.1 101 Switching Protocols\\r\\nUpgrade: websocket\\r\\nConnection: Upgrade\\r\\nSec-WebSocket-Accept: ' + accept + '\\r\\n\\r\\n', () => Atomics.add(answered, 0, 1)), 100);
     });
     server.listen(0, '127.0.0.1', () => parentPort.postMessage(server.address().port));`,
    { eval: true, workerData: answered },
  );
  workers.push(line);
  wsUrl = `ws://127.0.0.1:${await new Promise<number>((r) => line.once('message', r))}/call`;
});
const workers: Worker[] = [];

afterAll(async () => {
  agents.destroy();
  await bot?.terminate();
  await Promise.all(workers.map((w) => w.terminate()));
});

const init = (timeoutMs?: number) => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"text":"卡丢了"}', signal: new AbortController().signal, timeoutMs });

describe('a deadline that passes while the harness holds its own loop', () => {
  it('the HTTP request takes the response that arrived in time', async () => {
    const res = await sendAndHold(() => request(agents, url, init(300)), answered);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body).reply).toContain('挂失');
  });

  it('the turn takes the reply that arrived in time', async () => {
    const res = await sendAndHold(() => withTimeout(() => request(agents, url, init()), 300, new AbortController().signal), answered);
    expect(JSON.parse(res.body).reply).toContain('挂失');
  });

  it('a bot that has not answered by the deadline still times out', async () => {
    const silent = url.replace('/chat', '/silent');
    await expect(sendAndHold(() => request(agents, silent, init(300)))).rejects.toBeInstanceOf(RequestTimeout);
    await expect(sendAndHold(() => withTimeout(() => request(agents, silent, init()), 300, new AbortController().signal))).rejects.toMatchObject({ kind: 'timeout' });
  });

  it('the phone line takes the WebSocket upgrade that arrived in time, and a line that never answers still times out', async () => {
    const dial = (u: string) => {
      const t = websocketTransport(websocketTransportConfigSchema.parse({ type: 'websocket', url: u, connectTimeoutMs: 300 }));
      return { t, call: () => t.dial({ conversationId: 'b/hotline/p/c#0.0', signal: new AbortController().signal, log: () => {} }) };
    };
    const ok = dial(wsUrl);
    const call = await sendAndHold(ok.call, answered);
    await call.hangup();
    await ok.t.dispose();
    const silent = dial(wsUrl.replace('/call', '/silent'));
    await expect(sendAndHold(silent.call)).rejects.toMatchObject({ kind: 'timeout' });
    await silent.t.dispose();
  });
});
