import http from 'node:http';
import https from 'node:https';
import { urlToHttpOptions } from 'node:url';
import { TransportFault } from '../../harness/types.ts';
import { deadline } from '../../harness/util/deadline.ts';
import { LargeJsonParser, type LargeJson } from './large-json.ts';
import { PlainPool, type PlainTarget } from './plain.ts';

// The benchmark's hot path: plain http: on connections of our own (plain.ts),
// https: through node:https with a keep-alive agent. fetch (undici) costs
// several times more CPU per request through its web-stream layers.

/** Larger replies are refused (a protocol fault): no bank bot answers a chat message with this much. */
export const MAX_BODY_BYTES = 16 * 1024 * 1024;
/** A body past this size is parsed as it arrives when the caller asks for JSON (see large-json.ts). */
export const LARGE_BODY_BYTES = 1024 * 1024;

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The body; for a large JSON body parsed as it arrived, only its beginning. */
  body: string;
  /** The body's size in bytes, when `body` holds only its beginning. */
  bytes?: number;
  /** A large body parsed as it arrived (`largeJson` asked for): its value, or why it is not JSON. */
  json?: { parsed: LargeJson } | { error: Error };
}

export class Agents {
  readonly plain = new PlainPool();
  readonly https = new https.Agent({ keepAlive: true, maxSockets: 256 });
  destroy(): void {
    this.plain.destroy();
    this.https.destroy();
  }
}

interface Target {
  https: boolean;
  /** node:http's options for the URL (host, port, path, auth), as it would derive them on each request. */
  options: http.RequestOptions;
  /** For http: — the connection's address, the request line's path and the Host header. */
  plain: PlainTarget;
  /** user:password in the URL, sent as Basic authorization (as node:http does). */
  basic?: string;
}

/** Profiles have one URL a channel: parsed once, not on every request. */
const targets = new Map<string, Target>();
function targetOf(url: string): Target {
  let t = targets.get(url);
  if (!t) {
    const u = new URL(url);
    const options = urlToHttpOptions(u);
    t = {
      https: u.protocol === 'https:',
      options,
      plain: { host: options.hostname ?? 'localhost', port: Number(u.port || 80), hostHeader: u.host, path: `${u.pathname || '/'}${u.search}` },
      basic: options.auth ? `Basic ${Buffer.from(options.auth).toString('base64')}` : undefined,
    };
    if (targets.size >= 1000) targets.clear();
    targets.set(url, t);
  }
  return t;
}

/** The request outlived its timeout (and was destroyed). */
export class RequestTimeout extends Error {
  constructor(readonly ms: number) {
    super(`no response within ${ms} ms`);
    this.name = 'TimeoutError';
  }
}

type RequestInit = {
  method: string;
  headers: Record<string, string>;
  body?: string;
  signal: AbortSignal;
  timeoutMs?: number;
  /** The caller reads the body as JSON: past LARGE_BODY_BYTES, parse it as it arrives, keeping this much of each string. */
  largeJson?: { keepBytes: number };
};

/** Fresh connections tried after a kept-alive one was found closed, before the reset counts as the bot's. */
const STALE_SOCKET_RETRIES = 2;

/**
 * One request. A kept-alive connection the server closed while it sat idle
 * (its keep-alive timeout passed as the request went out) resets before any
 * byte of a response: the request is sent again on a fresh connection, as
 * Node's documentation advises, since the bot never saw it; it is not the
 * bot dropping a conversation.
 */
export async function request(agents: Agents, url: string, init: RequestInit): Promise<HttpResponse> {
  for (let stale = 0; ; stale++) {
    try {
      return await requestOnce(agents, url, init);
    } catch (err) {
      if (!(err instanceof StaleSocket)) throw err;
      if (stale >= STALE_SOCKET_RETRIES) throw err.cause;
    }
  }
}

/** A reset on a reused connection before any response: the server had closed it. */
class StaleSocket extends Error {
  constructor(readonly cause: unknown) {
    super('a kept-alive connection was closed by the server');
  }
}

/**
 * A request's signal and timeout, watched with a listener and a timer that go
 * when it settles; `stop` ends the request. Handing node:http the signal
 * attaches a stream watcher per request, and a controller of our own to join
 * signal and timeout would be one more object with listeners per request.
 * `ended()`: why the request was ended by us (its timeout, or the signal), if it was.
 */
function watch(init: RequestInit, stop: (err: Error) => void): { settle(): void; ended(): Error | undefined } {
  const { signal } = init;
  const onAbort = () => stop(abortError(signal));
  signal.addEventListener('abort', onAbort, { once: true });
  let timedOut = false;
  const timer =
    init.timeoutMs === undefined
      ? undefined
      : deadline(init.timeoutMs, () => {
          timedOut = true;
          stop(new RequestTimeout(init.timeoutMs!));
        });
  return {
    settle() {
      timer?.clear();
      signal.removeEventListener('abort', onAbort);
    },
    ended: () => (timedOut ? new RequestTimeout(init.timeoutMs!) : signal.aborted ? abortError(signal) : undefined),
  };
}

function requestOnce(agents: Agents, url: string, init: RequestInit): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const { signal } = init;
    if (signal.aborted) return reject(abortError(signal));
    const target = targetOf(url);
    const headers = { ...init.headers };
    if (init.body !== undefined) headers['content-length'] = String(Buffer.byteLength(init.body));
    if (!target.https) return plainOnce(agents.plain, target, headers, init, resolve, reject);
    const watched = watch(init, (err) => req.destroy(err));
    let responded = false;
    // Whichever event reports it (the request's error, the response cut off), a request we ended says why we did.
    const fail = (err: unknown) => {
      watched.settle();
      const ours = watched.ended();
      if (ours) return reject(ours);
      const reset = (err as NodeJS.ErrnoException)?.code === 'ECONNRESET';
      reject(reset && req.reusedSocket && !responded ? new StaleSocket(err) : err);
    };
    const req = https.request(
      { ...target.options, method: init.method, headers, agent: agents.https },
      (res) => {
        responded = true;
        const body = new BodyReader(init.largeJson);
        res.on('data', (c: Buffer) => {
          const tooLarge = body.add(c);
          if (tooLarge) req.destroy(tooLarge);
        });
        res.on('end', () => {
          watched.settle();
          resolve(body.response(res.statusCode ?? 0, res.headers));
        });
        res.on('error', fail);
        res.on('aborted', () => fail(Object.assign(new Error('the response was cut off'), { code: 'ECONNRESET' })));
      },
    );
    req.on('error', fail);
    req.end(init.body);
  });
}

/** One request on a plain http: connection (plain.ts), with the same signal, timeout, limits and stale-connection rule. */
function plainOnce(pool: PlainPool, target: Target, headers: Record<string, string>, init: RequestInit, resolve: (r: HttpResponse) => void, reject: (e: unknown) => void): void {
  if (target.basic && !Object.keys(headers).some((k) => k.toLowerCase() === 'authorization')) headers.authorization = target.basic;
  let abandon: ((err: Error) => void) | undefined;
  const watched = watch(init, (err) => abandon?.(err));
  let status = 0;
  let responseHeaders: http.IncomingHttpHeaders = {};
  const body = new BodyReader(init.largeJson);
  try {
    abandon = pool.send(target.plain, init.method, headers, init.body, {
      head(s, h) {
        status = s;
        responseHeaders = h;
      },
      body(chunk) {
        const tooLarge = body.add(chunk);
        if (tooLarge) abandon?.(tooLarge);
      },
      end() {
        watched.settle();
        resolve(body.response(status, responseHeaders));
      },
      fail(err, staleReuse) {
        watched.settle();
        const ours = watched.ended();
        if (ours) return reject(ours);
        const code = (err as NodeJS.ErrnoException).code;
        reject(staleReuse && (code === 'ECONNRESET' || code === 'EPIPE') ? new StaleSocket(err) : err);
      },
    });
  } catch (err) {
    // A header node:http would refuse (a control character in a value): refused the same way.
    watched.settle();
    reject(err);
  }
}

/** A response body as it arrives: refused past MAX_BODY_BYTES, parsed as it comes past LARGE_BODY_BYTES when the caller reads JSON. */
class BodyReader {
  private chunks: Buffer[] = [];
  private bytes = 0;
  private large: LargeJsonParser | undefined;

  constructor(private readonly largeJson?: { keepBytes: number }) {}

  /** Take a chunk; an error when the body has grown past the limit. */
  add(c: Buffer): Error | undefined {
    this.bytes += c.length;
    // A runaway bot must not take the harness's memory with it.
    if (this.bytes > MAX_BODY_BYTES) return Object.assign(new Error(`the reply exceeds ${MAX_BODY_BYTES / 1024 / 1024} MiB`), { code: 'E_TOO_LARGE' });
    if (this.large) {
      this.large.write(c);
      return undefined;
    }
    this.chunks.push(c);
    if (this.largeJson && this.bytes > LARGE_BODY_BYTES) {
      this.large = new LargeJsonParser(this.largeJson.keepBytes);
      for (const held of this.chunks) this.large.write(held);
      this.chunks = [];
    }
    return undefined;
  }

  response(status: number, headers: http.IncomingHttpHeaders): HttpResponse {
    if (!this.large) return { status, headers, body: this.chunks.length === 1 ? this.chunks[0].toString('utf8') : Buffer.concat(this.chunks).toString('utf8') };
    let json: HttpResponse['json'];
    try {
      json = { parsed: this.large.end() };
    } catch (err) {
      json = { error: err as Error };
    }
    return { status, headers, body: this.large.head, bytes: this.bytes, json };
  }
}

/** What node:http rejects with when its signal aborts: an AbortError carrying the reason. */
function abortError(signal: AbortSignal): Error {
  return Object.assign(new Error('The operation was aborted', { cause: signal.reason }), { name: 'AbortError', code: 'ABORT_ERR' });
}

/**
 * What a failed request was, for the runner (see harness/types.ts): one
 * mapping for every adapter on this client, so a reset or a refusal is the
 * same fault whichever protocol rode on it.
 */
export function requestFault(err: unknown, url: string): TransportFault {
  if (err instanceof RequestTimeout) return new TransportFault('timeout', `no answer from ${url} within ${err.ms} ms`, { cause: err });
  const e = err as NodeJS.ErrnoException;
  if (e.name === 'AbortError') return new TransportFault('timeout', 'the request was aborted', { retryable: false, cause: err });
  const code = e.code ?? '';
  if (code === 'ECONNREFUSED') return new TransportFault('refused', `connection refused: ${e.message}`, { cause: err });
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return new TransportFault('unreachable', `host not found: ${e.message}`, { cause: err });
  // One request's connection, not the conversation: the bot still knows the session.
  if (code === 'ECONNRESET' || code === 'EPIPE') return new TransportFault('dropped', `connection reset: ${e.message}`, { cause: err, sessionBroken: false });
  if (code === 'E_TOO_LARGE') return new TransportFault('protocol', `${e.message}: check the profile's URL and request`, { retryable: false, cause: err });
  if (code === 'ERR_INVALID_URL') return new TransportFault('protocol', `invalid URL in the profile: ${e.message}`, { retryable: false, cause: err });
  return new TransportFault('unreachable', `${url}: ${e.message}${code ? ` (${code})` : ''}`, { cause: err });
}
