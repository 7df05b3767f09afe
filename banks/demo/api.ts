import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { fnv1a, unit } from './brain/hash.ts';
import type { Brain, BrainReply, BrainSession } from './brain/types.ts';
import type { DemoPart } from './part.ts';

// The demo bank's HTTP bot API: the kind of JSON chat endpoint a bank's
// online customer service exposes. `POST /api/chat` answers one message;
// sessions live in memory and expire when idle.

export const apiOptionsSchema = z
  .strictObject({
    faults: z
      .strictObject({
        every: z.number().int().positive().optional().describe('Every Nth chat request fails'),
        status: z.union([z.literal(503), z.literal(429)]).default(503),
        retryAfterS: z.number().int().nonnegative().default(1),
      })
      .optional(),
    sessionIdleMs: z.number().int().positive().default(10 * 60_000),
    maxSessions: z.number().int().positive().default(100_000),
  })
  .default({ sessionIdleMs: 10 * 60_000, maxSessions: 100_000 });
export type ApiOptions = z.output<typeof apiOptionsSchema>;

const COOKIE = 'demo_sid';
const MAX_BODY = 64 * 1024;
const MAX_SESSION_ID = 200;

interface ApiSession {
  brain: BrainSession;
  turn: number;
  seenAt: number;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Sessions in least-recently-used order: expiry and the size cap drop from the front. */
class SessionStore {
  private readonly sessions = new Map<string, ApiSession>();
  constructor(
    private readonly brain: Brain,
    private readonly idleMs: number,
    private readonly max: number,
  ) {}

  get size(): number {
    return this.sessions.size;
  }

  has(id: string): boolean {
    return this.sessions.has(id);
  }

  /** The session with this id, created when unknown; touching it moves it to the back. */
  touch(id: string, now: number): ApiSession {
    this.expire(now);
    let session = this.sessions.get(id);
    if (session) this.sessions.delete(id);
    else session = { brain: this.brain.session('api'), turn: 0, seenAt: now };
    session.seenAt = now;
    this.sessions.set(id, session);
    while (this.sessions.size > this.max) this.sessions.delete(this.sessions.keys().next().value!);
    return session;
  }

  delete(id: string): boolean {
    return this.sessions.delete(id);
  }

  expire(now: number): void {
    for (const [id, s] of this.sessions) {
      if (now - s.seenAt < this.idleMs) break;
      this.sessions.delete(id);
    }
  }
}

function readCookie(req: IncomingMessage, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq > 0 && pair.slice(0, eq).trim() === name) return decodeURIComponent(pair.slice(eq + 1).trim());
  }
  return undefined;
}

function readJson(req: IncomingMessage): Promise<unknown> {
  // Plain stream events: cheaper than an async iterator on every request.
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        req.removeAllListeners('data');
        req.resume();
        reject(new HttpError(413, 'too-large', `the body is larger than ${MAX_BODY} bytes`));
      } else chunks.push(chunk);
    });
    req.once('error', reject);
    req.once('end', () => {
      if (size > MAX_BODY) return;
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch {
        reject(new HttpError(400, 'bad-json', 'the body is not valid JSON; send {"sessionId": "...", "text": "..."}'));
      }
    });
  });
}

function parseChat(body: unknown): { sessionId?: string; text: string } {
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw new HttpError(400, 'bad-request', 'the body must be a JSON object {"sessionId": "...", "text": "..."}');
  }
  const { sessionId, text } = body as Record<string, unknown>;
  if (typeof text !== 'string') throw new HttpError(400, 'bad-request', '"text" must be a string');
  if (sessionId !== undefined && sessionId !== null && (typeof sessionId !== 'string' || sessionId.length > MAX_SESSION_ID)) {
    throw new HttpError(400, 'bad-request', `"sessionId" must be a string of at most ${MAX_SESSION_ID} characters`);
  }
  return { sessionId: sessionId || undefined, text };
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string | string[]> = {}): void {
  const data = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(data), ...headers });
  res.end(data);
}

function payload(reply: BrainReply, sessionId: string) {
  return {
    reply: { text: reply.text, messages: reply.parts.map((text) => ({ text })), buttons: reply.buttons },
    intent: reply.intent,
    handoff: reply.handoff,
    kind: reply.kind,
    sessionId,
  };
}

/** Latency of one reply: latencyMs ± jitterMs, seeded by the session and the turn. */
export function replyDelay(sessionId: string, turn: number, latencyMs: number, jitterMs: number): number {
  const offset = (unit(fnv1a(sessionId), `turn:${turn}`) * 2 - 1) * jitterMs;
  return Math.max(0, Math.round(latencyMs + offset));
}

export const startApi: DemoPart = async (brain, options) => {
  const opts = apiOptionsSchema.parse(options.api ?? undefined);
  const store = new SessionStore(brain, opts.sessionIdleMs, opts.maxSessions);
  const timers = new Set<NodeJS.Timeout>();
  let chatRequests = 0;

  function later(res: ServerResponse, ms: number, fn: () => void): void {
    if (ms <= 0) return fn();
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (!res.destroyed) fn();
    }, ms);
    timers.add(timer);
    res.once('close', () => {
      clearTimeout(timer);
      timers.delete(timer);
    });
  }

  /** Resolve the session: the body's id, else the cookie, else a new one. */
  function sessionIdFor(req: IncomingMessage, fromBody: string | undefined): { id: string; cookie: boolean } {
    if (fromBody) return { id: fromBody, cookie: false };
    const fromCookie = readCookie(req, COOKIE);
    if (fromCookie && fromCookie.length <= MAX_SESSION_ID && store.has(fromCookie)) return { id: fromCookie, cookie: false };
    return { id: randomUUID(), cookie: true };
  }

  function cookieHeader(id: string, set: boolean): Record<string, string> {
    return set ? { 'set-cookie': `${COOKIE}=${encodeURIComponent(id)}; Path=/; HttpOnly; SameSite=Lax` } : {};
  }

  async function chat(req: IncomingMessage, res: ServerResponse): Promise<void> {
    chatRequests++;
    const faults = opts.faults;
    if (faults?.every && chatRequests % faults.every === 0) {
      const code = faults.status === 429 ? 'rate-limited' : 'unavailable';
      return send(res, faults.status, { error: { code, message: 'the service is busy, retry later' } }, {
        'retry-after': String(faults.retryAfterS),
      });
    }
    const body = parseChat(await readJson(req));
    const { id, cookie } = sessionIdFor(req, body.sessionId);
    const now = Date.now();
    const turn = store.touch(id, now).turn + 1;
    const delay = replyDelay(id, turn, options.latencyMs, options.jitterMs);
    // The brain answers when the reply is due, so a request abandoned while
    // the bot "thinks" does not advance the conversation.
    later(res, delay, () => {
      const session = store.touch(id, Date.now());
      session.turn = turn;
      send(res, 200, payload(session.brain.reply(body.text), id), cookieHeader(id, cookie));
    });
  }

  function welcome(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const given = url.searchParams.get('sessionId') ?? undefined;
    const { id, cookie } = sessionIdFor(req, given && given.length <= MAX_SESSION_ID ? given : undefined);
    const session = store.touch(id, Date.now());
    send(res, 200, payload(session.brain.welcome(), id), cookieHeader(id, cookie));
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/api/chat' && req.method === 'POST') return chat(req, res);
    if (path === '/api/welcome' && req.method === 'GET') return welcome(req, res);
    if (path === '/api/health' && req.method === 'GET') return send(res, 200, { ok: true, sessions: store.size });
    const ended = /^\/api\/sessions\/([^/]+)$/.exec(path);
    if (ended && req.method === 'DELETE') {
      store.delete(decodeURIComponent(ended[1]));
      res.writeHead(204).end();
      return;
    }
    throw new HttpError(404, 'not-found', `no route ${req.method} ${path}; use POST /api/chat or GET /api/health`);
  }

  const server = createServer({ keepAlive: true }, (req, res) => {
    route(req, res).catch((err: unknown) => {
      if (res.headersSent || res.destroyed) return;
      if (err instanceof HttpError) send(res, err.status, { error: { code: err.code, message: err.message } });
      else send(res, 500, { error: { code: 'internal', message: String((err as Error)?.message ?? err) } });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    vars: { api: `http://127.0.0.1:${port}` },
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
};
