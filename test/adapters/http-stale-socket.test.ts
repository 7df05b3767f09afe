import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agents, request } from '../../adapters/http/request.ts';

// A bot's server closes a kept-alive connection when its keep-alive timeout
// passes; a request the harness sends on it at that moment meets a reset
// before any response. The bot never saw that request: it is sent again on a
// fresh connection, not counted as the bot dropping the conversation.

let server: Server;
let url = '';
let connections = 0;
/** What the server does with the 2nd request on a connection: close it unanswered (a stale keep-alive socket), or answer. */
let second: 'close' | 'answer' = 'close';
/** Every connection closes unanswered on its first request too (a bot that really drops them). */
let dropAll = false;

function answer(socket: Socket, body: string) {
  socket.write(`HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: keep-alive\r\n\r\n${body}`);
}

beforeAll(async () => {
  server = createServer((socket) => {
    connections++;
    let requests = 0;
    let buffered = Buffer.alloc(0);
    socket.on('data', (d: Buffer) => {
      buffered = Buffer.concat([buffered, d]);
      // A whole request: its head, then content-length bytes of body.
      const end = buffered.indexOf('\r\n\r\n');
      if (end < 0) return;
      const length = Number(/content-length: (\d+)/i.exec(buffered.subarray(0, end).toString('latin1'))?.[1] ?? 0);
      if (buffered.length < end + 4 + length) return;
      buffered = Buffer.alloc(0);
      requests++;
      if (dropAll || (requests >= 2 && second === 'close')) return void socket.destroy();
      answer(socket, JSON.stringify({ reply: `第${requests}问的回答` }));
    });
    socket.on('error', () => {});
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/chat`;
});
afterAll(() => new Promise((r) => server.close(r)));

const ask = (agents: Agents) => request(agents, url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"text":"卡丢了"}', signal: new AbortController().signal, timeoutMs: 5000 });

describe('a kept-alive connection the server closed', () => {
  it('sends the request again on a fresh connection, and the bot\'s answer comes back', async () => {
    const agents = new Agents();
    try {
      second = 'close';
      connections = 0;
      for (let i = 0; i < 4; i++) expect(JSON.parse((await ask(agents)).body).reply).toBe('第1问的回答');
      // Every request after the first met a closed connection and went out again on a new one.
      expect(connections).toBeGreaterThanOrEqual(4);
    } finally {
      agents.destroy();
    }
  });

  it('still fails a request when fresh connections are dropped too: that is the bot', async () => {
    const agents = new Agents();
    try {
      second = 'answer';
      dropAll = false;
      expect(JSON.parse((await ask(agents)).body).reply).toBe('第1问的回答');
      dropAll = true;
      connections = 0;
      const err = await ask(agents).catch((e) => e);
      expect(err.code).toBe('ECONNRESET');
      // The reused connection, then at most two fresh ones.
      expect(connections).toBeLessThanOrEqual(2);
    } finally {
      dropAll = false;
      agents.destroy();
    }
  });
});
