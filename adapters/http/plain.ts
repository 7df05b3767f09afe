import type { IncomingHttpHeaders } from 'node:http';
import { connect, type Socket } from 'node:net';
import { HTTPParser } from 'http-parser-js';

// HTTP/1.1 over kept-alive sockets of our own, for bots on plain http: (a
// bank's bot in its test network, a local bot). node:http spends ~180 µs of
// CPU on each request's streams and events; this ~50 µs (2,000 requests to
// a loopback bot), and a fast bot's run spends most of its main thread on
// requests. Framing (Content-Length, chunked, close-delimited, 1xx) is
// http-parser-js's; the connections, the request head and the headers'
// checks are ours, as node:http does them. https: stays with node:https,
// whose TLS costs more than its streams.

/** Where a request goes: the connection's address and what the request line and Host say. */
export interface PlainTarget {
  host: string;
  port: number;
  /** The Host header: host[:port], brackets kept for IPv6. */
  hostHeader: string;
  /** Path and query. */
  path: string;
}

/** What a request hears back, in order; `fail` at most once, instead of `end`. */
export interface PlainHandlers {
  head(status: number, headers: IncomingHttpHeaders): void;
  body(chunk: Buffer): void;
  end(): void;
  /** `staleReuse`: the request went out on a kept-alive connection and no byte of a response came back. */
  fail(err: Error, staleReuse: boolean): void;
}

type Parser = InstanceType<typeof HTTPParser>;

interface Connection {
  socket: Socket;
  parser: Parser;
  key: string;
  /** The request on it now; undefined while it waits in the pool. */
  current?: Exchange;
  /** A response came that no request asked for: never reused. */
  spoiled?: boolean;
}

interface Exchange {
  handlers: PlainHandlers;
  reused: boolean;
  responded: boolean;
  /** A 1xx response is not the answer: the real one follows on the same connection. */
  interim: boolean;
  done: boolean;
  skipBody: boolean;
}

/** Kept-alive connections by host:port, each serving one request at a time. */
export class PlainPool {
  private readonly idle = new Map<string, Connection[]>();
  private readonly open = new Set<Connection>();

  /**
   * Send one request; what comes back goes to `handlers`. The returned
   * function abandons it (an abort or a timeout): its connection is destroyed.
   */
  send(target: PlainTarget, method: string, headers: Record<string, string>, body: string | undefined, handlers: PlainHandlers): (err: Error) => void {
    const head = requestHead(method, target, headers);
    const key = `${target.host}:${target.port}`;
    const kept = this.take(key);
    const conn = kept ?? this.connect(target, key);
    const ex: Exchange = { handlers, reused: kept !== undefined, responded: false, interim: false, done: false, skipBody: method === 'HEAD' };
    conn.current = ex;
    conn.socket.ref();
    conn.parser.initialize(HTTPParser.RESPONSE);
    conn.socket.cork();
    conn.socket.write(head, 'latin1');
    if (body !== undefined && body !== '') conn.socket.write(body, 'utf8');
    conn.socket.uncork();
    return (err) => {
      if (ex.done) return;
      ex.done = true;
      this.drop(conn);
      handlers.fail(err, false);
    };
  }

  /** Close every connection (the channel is done). */
  destroy(): void {
    for (const c of this.open) c.socket.destroy();
    this.open.clear();
    this.idle.clear();
  }

  private take(key: string): Connection | undefined {
    const list = this.idle.get(key);
    while (list?.length) {
      const c = list.pop()!;
      if (!c.socket.destroyed && c.socket.readyState === 'open') return c;
      this.drop(c);
    }
    return undefined;
  }

  private connect(target: PlainTarget, key: string): Connection {
    const socket = connect({ host: target.host, port: target.port });
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 1000);
    const conn: Connection = { socket, parser: new HTTPParser(HTTPParser.RESPONSE), key };
    this.open.add(conn);
    const p = conn.parser as unknown as Record<number, unknown>;
    p[HTTPParser.kOnHeadersComplete] = (info: { statusCode: number; headers: string[] }) => {
      const ex = conn.current;
      if (!ex) {
        conn.spoiled = true;
        return 0;
      }
      ex.responded = true;
      // 100 Continue, 103 Early Hints: the answer is still to come (101 would be an upgrade no bot API asks for).
      ex.interim = info.statusCode >= 100 && info.statusCode < 200 && info.statusCode !== 101;
      if (!ex.interim) ex.handlers.head(info.statusCode, responseHeaders(info.headers));
      return ex.skipBody && !ex.interim ? 1 : 0;
    };
    p[HTTPParser.kOnBody] = (chunk: Buffer) => {
      const ex = conn.current;
      if (ex && !ex.interim && !ex.done) ex.handlers.body(chunk);
    };
    p[HTTPParser.kOnMessageComplete] = () => {
      const ex = conn.current;
      if (!ex || ex.done) return;
      if (ex.interim) {
        ex.interim = false;
        return;
      }
      ex.done = true;
      conn.current = undefined;
      // Kept for the next request unless the server said close (the parser knows) or sent more than one answer.
      if ((conn.parser as unknown as { info: { shouldKeepAlive: boolean } }).info.shouldKeepAlive) queueMicrotask(() => this.park(conn));
      else this.drop(conn);
      ex.handlers.end();
    };
    socket.on('data', (chunk: Buffer) => {
      if (!conn.current) {
        // Bytes nobody asked for: the connection cannot be trusted with the next request.
        return this.drop(conn);
      }
      const r = conn.parser.execute(chunk);
      if (r instanceof Error) this.failCurrent(conn, Object.assign(new Error(`the bot's HTTP response is malformed: ${r.message}`), { code: (r as { code?: string }).code ?? 'HPE_INVALID' }));
    });
    socket.on('end', () => {
      // A body that runs to the connection's end (no length, not chunked) ends here.
      if (conn.current && conn.current.responded) conn.parser.finish();
      this.failCurrent(conn, Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    });
    socket.on('error', (err) => this.failCurrent(conn, err));
    socket.on('close', () => this.failCurrent(conn, Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })));
    return conn;
  }

  private failCurrent(conn: Connection, err: Error): void {
    const ex = conn.current;
    this.drop(conn);
    if (!ex || ex.done) return;
    ex.done = true;
    conn.current = undefined;
    ex.handlers.fail(err, ex.reused && !ex.responded);
  }

  /** Back to the pool, waiting for the next request without holding the process open. */
  private park(conn: Connection): void {
    if (conn.current || conn.socket.destroyed || !this.open.has(conn)) return;
    // Bytes after the answer (a part of a line, or a whole response nobody asked for): not a connection to reuse.
    if (conn.spoiled || (conn.parser as unknown as { line: string }).line) return this.drop(conn);
    conn.socket.unref();
    let list = this.idle.get(conn.key);
    if (!list) this.idle.set(conn.key, (list = []));
    list.push(conn);
  }

  private drop(conn: Connection): void {
    if (!this.open.delete(conn)) return;
    const list = this.idle.get(conn.key);
    const at = list?.indexOf(conn) ?? -1;
    if (at >= 0) list!.splice(at, 1);
    conn.socket.destroy();
  }
}

/** Header names are tokens; values hold no control characters but tab (node:http's rules, so a bad header fails the same way). */
const TOKEN = /^[\^_`a-zA-Z\-0-9!#$%&'*+.|~]+$/;
const INVALID_VALUE = /[^\t\x20-\x7e\x80-\xff]/;

function requestHead(method: string, target: PlainTarget, headers: Record<string, string>): string {
  let head = `${method} ${target.path} HTTP/1.1\r\n`;
  let host = false;
  let connection = false;
  for (const [name, raw] of Object.entries(headers)) {
    const value = String(raw);
    if (!TOKEN.test(name)) throw Object.assign(new TypeError(`Header name must be a valid HTTP token ["${name}"]`), { code: 'ERR_INVALID_HTTP_TOKEN' });
    if (INVALID_VALUE.test(value)) throw Object.assign(new TypeError(`Invalid character in header content ["${name}"]`), { code: 'ERR_INVALID_CHAR' });
    const lower = name.toLowerCase();
    if (lower === 'host') host = true;
    if (lower === 'connection') connection = true;
    head += `${name}: ${value}\r\n`;
  }
  if (!host) head = head.replace('\r\n', `\r\nHost: ${target.hostHeader}\r\n`);
  if (!connection) head += 'Connection: keep-alive\r\n';
  return head + '\r\n';
}

/** Headers whose repeats node:http drops (the first stands); set-cookie is a list; the rest are joined with ", ". */
const SINGLE = new Set(['age', 'authorization', 'content-length', 'content-type', 'etag', 'expires', 'from', 'host', 'if-modified-since', 'if-unmodified-since', 'last-modified', 'location', 'max-forwards', 'proxy-authorization', 'referer', 'retry-after', 'server', 'user-agent']);

function responseHeaders(raw: string[]): IncomingHttpHeaders {
  const out: Record<string, string | string[]> = {};
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i].toLowerCase();
    const value = raw[i + 1];
    const seen = out[name];
    if (name === 'set-cookie') (seen ? (seen as string[]) : (out[name] = [])).push(value);
    else if (seen === undefined) out[name] = value;
    else if (!SINGLE.has(name)) out[name] = `${seen}, ${value}`;
  }
  return out as IncomingHttpHeaders;
}
