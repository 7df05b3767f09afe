import http from 'node:http';
import https from 'node:https';
import { urlToHttpOptions } from 'node:url';

// node:http with a keep-alive agent: the benchmark's hot path. fetch (undici)
// costs several times more CPU per request through its web-stream layers.

/** Larger replies are refused (a protocol fault): no bank bot answers a chat message with this much. */
export const MAX_BODY_BYTES = 16 * 1024 * 1024;

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export class Agents {
  readonly http = new http.Agent({ keepAlive: true, maxSockets: 256 });
  readonly https = new https.Agent({ keepAlive: true, maxSockets: 256 });
  destroy(): void {
    this.http.destroy();
    this.https.destroy();
  }
}

interface Target {
  https: boolean;
  /** node:http's options for the URL (host, port, path, auth), as it would derive them on each request. */
  options: http.RequestOptions;
}

/** Profiles have one URL a channel: parsed once, not on every request. */
const targets = new Map<string, Target>();
function targetOf(url: string): Target {
  let t = targets.get(url);
  if (!t) {
    const u = new URL(url);
    t = { https: u.protocol === 'https:', options: urlToHttpOptions(u) };
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

/**
 * One request. The signal and the timeout are watched here, with a listener
 * and a timer that go when the response ends: handing node:http the signal
 * attaches a stream watcher per request, and a controller of our own to join
 * signal and timeout would be one more object with listeners per request.
 */
export function request(
  agents: Agents,
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string; signal: AbortSignal; timeoutMs?: number },
): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const { signal } = init;
    if (signal.aborted) return reject(abortError(signal));
    const target = targetOf(url);
    const mod = target.https ? https : http;
    const headers = { ...init.headers };
    if (init.body !== undefined) headers['content-length'] = String(Buffer.byteLength(init.body));
    const onAbort = () => req.destroy(abortError(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    let timedOut = false;
    const timer =
      init.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            req.destroy(new RequestTimeout(init.timeoutMs!));
          }, init.timeoutMs);
    const settle = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    };
    // Whichever event reports it (the request's error, the response cut off), a request we ended says why we did.
    const fail = (err: unknown) => {
      settle();
      reject(timedOut ? new RequestTimeout(init.timeoutMs!) : signal.aborted ? abortError(signal) : err);
    };
    const req = mod.request(
      { ...target.options, method: init.method, headers, agent: target.https ? agents.https : agents.http },
      (res) => {
        const chunks: Buffer[] = [];
        let bytes = 0;
        res.on('data', (c: Buffer) => {
          bytes += c.length;
          // A runaway bot must not take the harness's memory with it.
          if (bytes > MAX_BODY_BYTES) return req.destroy(Object.assign(new Error(`the reply exceeds ${MAX_BODY_BYTES / 1024 / 1024} MiB`), { code: 'E_TOO_LARGE' }));
          chunks.push(c);
        });
        res.on('end', () => {
          settle();
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8') });
        });
        res.on('error', fail);
        res.on('aborted', () => fail(Object.assign(new Error('the response was cut off'), { code: 'ECONNRESET' })));
      },
    );
    req.on('error', fail);
    req.end(init.body);
  });
}

/** What node:http rejects with when its signal aborts: an AbortError carrying the reason. */
function abortError(signal: AbortSignal): Error {
  return Object.assign(new Error('The operation was aborted', { cause: signal.reason }), { name: 'AbortError', code: 'ABORT_ERR' });
}
