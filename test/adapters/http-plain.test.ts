import { createServer as createHttpServer, type IncomingMessage } from 'node:http';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { Agents, request, type HttpResponse } from '../../adapters/http/request.ts';

// Bots on plain http: are spoken to on connections of the harness's own
// (adapters/http/plain.ts). What node:http's server and hand-written byte
// streams send must read as node:http would read it: every framing of a body,
// kept-alive and closed connections, interim responses, cookies, and a header
// that would split the request refused before anything is sent.

const servers: Server[] = [];
afterAll(() => Promise.all(servers.map((s) => new Promise((r) => s.close(r)))));

/** A raw TCP bot: `respond` gets each request's head and body and writes whatever bytes it likes. */
async function rawBot(respond: (socket: Socket, head: string, body: string, n: number) => void): Promise<{ url: string; connections: () => number; heads: string[] }> {
  let connections = 0;
  const heads: string[] = [];
  const server = createServer((socket) => {
    connections++;
    let buffered = Buffer.alloc(0);
    let n = 0;
    socket.on('data', (d: Buffer) => {
      buffered = Buffer.concat([buffered, d]);
      for (;;) {
        const end = buffered.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = buffered.subarray(0, end).toString('latin1');
        const length = Number(/content-length: (\d+)/i.exec(head)?.[1] ?? 0);
        if (buffered.length < end + 4 + length) return;
        const body = buffered.subarray(end + 4, end + 4 + length).toString('utf8');
        buffered = buffered.subarray(end + 4 + length);
        heads.push(head);
        respond(socket, head, body, ++n);
      }
    });
    socket.on('error', () => {});
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/chat?x=1`, connections: () => connections, heads };
}

const agents = new Agents();
afterAll(() => agents.destroy());
const post = (url: string, body = '{"text":"卡丢了"}', headers: Record<string, string> = { 'content-type': 'application/json' }, a = agents): Promise<HttpResponse> =>
  request(a, url, { method: 'POST', headers, body, signal: new AbortController().signal, timeoutMs: 5000 });

describe('plain http: on connections of our own', () => {
  it('reads a node:http server\'s chunked and sized replies whole, on one kept-alive connection, with the request as sent', async () => {
    let connections = 0;
    const seen: { method?: string; url?: string; headers: IncomingMessage['headers']; body: string }[] = [];
    const server = createHttpServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => (body += c));
      req.on('end', () => {
        seen.push({ method: req.method, url: req.url, headers: req.headers, body });
        const reply = JSON.stringify({ reply: { text: `您好：${body.length > 100 ? '长问题' : body}`.repeat(seen.length === 2 ? 2000 : 1) } });
        // Without a length node:http sends it chunked; with one, sized.
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'set-cookie': ['a=1; Path=/', 'b=2'], ...(seen.length === 3 ? { 'content-length': Buffer.byteLength(reply) } : {}) });
        res.end(reply);
      });
    });
    server.on('connection', () => connections++);
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/bot/chat?lang=zh`;
    const first = await post(url);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.body).reply.text).toBe('您好：{"text":"卡丢了"}');
    expect(first.headers['set-cookie']).toEqual(['a=1; Path=/', 'b=2']);
    expect(first.headers['content-type']).toBe('application/json; charset=utf-8');
    const long = await post(url, JSON.stringify({ text: '我'.repeat(200) }));
    expect(JSON.parse(long.body).reply.text).toBe('您好：长问题'.repeat(2000));
    const sized = await post(url);
    expect(JSON.parse(sized.body).reply.text).toBe('您好：{"text":"卡丢了"}');
    expect(connections).toBe(1);
    expect(seen[0].method).toBe('POST');
    expect(seen[0].url).toBe('/bot/chat?lang=zh');
    expect(seen[0].headers.host).toBe(new URL(url).host);
    expect(seen[0].headers['content-length']).toBe(String(Buffer.byteLength('{"text":"卡丢了"}')));
    expect(seen[1].body).toBe(JSON.stringify({ text: '我'.repeat(200) }));
  });

  it('reads a reply split byte by byte, chunk sizes and line ends included', async () => {
    const bot = await rawBot((socket) => {
      const parts = ['{"a":"', '查余额"}'].map((p) => `${Buffer.byteLength(p).toString(16)}\r\n${p}\r\n`).join('');
      const bytes = Buffer.from(`HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n${parts}0\r\n\r\n`);
      let i = 0;
      const next = () => (i < bytes.length ? (socket.write(bytes.subarray(i, ++i)), setTimeout(next, 1)) : undefined);
      next();
    });
    expect(JSON.parse((await post(bot.url)).body)).toEqual({ a: '查余额' });
  });

  it('takes the answer after a 100 Continue and a 103 Early Hints, and a body that runs to the connection\'s end', async () => {
    const bot = await rawBot((socket, _head, _body, n) => {
      if (n === 1) socket.write('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\n{"ok":true}');
      else socket.end('HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n{"until":"close"}');
    });
    expect((await post(bot.url)).body).toBe('{"ok":true}');
    const closing = await post(bot.url);
    expect(closing.status).toBe(200);
    expect(closing.body).toBe('{"until":"close"}');
    // The closed connection is not reused: the next request opens another, and is answered.
    const again = await post(bot.url);
    expect(again.status).toBe(200);
    expect(bot.connections()).toBe(2);
  });

  it('does not reuse a connection that brought more than the answer', async () => {
    const bot = await rawBot((socket, _h, _b, n) => socket.write(`HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\n{"n":${n}}HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n{"n":"x"}`));
    for (let i = 0; i < 3; i++) expect((await post(bot.url)).body).toBe('{"n":1}');
    expect(bot.connections()).toBe(3);
  });

  it('opens a new connection after the server says Connection: close', async () => {
    const bot = await rawBot((socket, _h, _b, n) => socket.write(`HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 7\r\n\r\n{"n":${n}}`));
    for (let i = 0; i < 3; i++) expect((await post(bot.url)).body).toBe('{"n":1}');
    expect(bot.connections()).toBe(3);
  });

  it('refuses a header value that would split the request, sending nothing, as node:http does', async () => {
    const bot = await rawBot((socket) => socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}'));
    const err = await post(bot.url, '{}', { 'x-session': 'abc\r\nX-Injected: 1' }).catch((e: NodeJS.ErrnoException) => e);
    expect((err as NodeJS.ErrnoException).code).toBe('ERR_INVALID_CHAR');
    await expect(post(bot.url, '{}', { 'bad name': 'x' })).rejects.toMatchObject({ code: 'ERR_INVALID_HTTP_TOKEN' });
    expect(bot.heads).toEqual([]);
  });

  it('says a garbled reply is malformed, and sends credentials in the URL as Basic authorization', async () => {
    const garbled = await rawBot((socket) => socket.write('HTTP/1.1 OK maybe\r\n\r\n'));
    await expect(post(garbled.url)).rejects.toThrow(/malformed/);
    const bot = await rawBot((socket) => socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}'));
    const withUser = bot.url.replace('http://', 'http://bank%20bot:p%40ss@');
    await post(withUser);
    expect(bot.heads[0]).toMatch(new RegExp(`\\r\\nauthorization: Basic ${Buffer.from('bank bot:p@ss').toString('base64')}\\r\\n`, 'i'));
    expect(bot.heads[0]).toContain('POST /chat?x=1 HTTP/1.1');
  });

  it('gives up on a reply that never ends at the timeout, and on abort', async () => {
    const bot = await rawBot((socket) => socket.write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{"partial":'));
    const a = new Agents();
    try {
      await expect(request(a, bot.url, { method: 'POST', headers: {}, body: '{}', signal: new AbortController().signal, timeoutMs: 300 })).rejects.toMatchObject({ name: 'TimeoutError' });
      const c = new AbortController();
      const pending = request(a, bot.url, { method: 'POST', headers: {}, body: '{}', signal: c.signal, timeoutMs: 5000 });
      setTimeout(() => c.abort(new Error('run stopped')), 50);
      await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    } finally {
      a.destroy();
    }
  });
});
