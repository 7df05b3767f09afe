import http from 'node:http';
import https from 'node:https';

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

/** Profiles have one URL a channel: parsed once, not on every request (node:http only reads it). */
const urls = new Map<string, URL>();
function parsedUrl(url: string): URL {
  let u = urls.get(url);
  if (!u) {
    u = new URL(url);
    if (urls.size >= 1000) urls.clear();
    urls.set(url, u);
  }
  return u;
}

export function request(
  agents: Agents,
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string; signal: AbortSignal },
): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const { signal } = init;
    if (signal.aborted) return reject(abortError(signal));
    const u = parsedUrl(url);
    const mod = u.protocol === 'https:' ? https : http;
    const headers = { ...init.headers };
    if (init.body !== undefined) headers['content-length'] = String(Buffer.byteLength(init.body));
    // The signal is watched here rather than handed to node:http, whose
    // watcher (addAbortSignal and a stream finish listener) costs more per
    // request than the request's own bookkeeping.
    const onAbort = () => req.destroy(abortError(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    const settle = () => signal.removeEventListener('abort', onAbort);
    const req = mod.request(
      u,
      { method: init.method, headers, agent: u.protocol === 'https:' ? agents.https : agents.http },
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
        res.on('error', (err) => {
          settle();
          reject(err);
        });
        res.on('aborted', () => {
          settle();
          reject(Object.assign(new Error('the response was cut off'), { code: 'ECONNRESET' }));
        });
      },
    );
    req.on('error', (err) => {
      settle();
      reject(err);
    });
    req.end(init.body);
  });
}

/** What node:http rejects with when its signal aborts: an AbortError carrying the reason. */
function abortError(signal: AbortSignal): Error {
  return Object.assign(new Error('The operation was aborted', { cause: signal.reason }), { name: 'AbortError', code: 'ABORT_ERR' });
}
