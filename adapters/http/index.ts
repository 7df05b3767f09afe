import { randomUUID } from 'node:crypto';
import type { Adapter, AdapterContext, AdapterEnv, AdapterFactory, BotReply, Extraction, ReplyInspection, Session, Utterance } from '../../harness/types.ts';
import { REPLY_FULL_CAP, TransportFault } from '../../harness/types.ts';
import { fillTemplate, getPath } from '../../harness/util/jsonpath.ts';
import { suggestPaths } from '../../harness/util/path-suggest.ts';
import type { HttpConfig } from './config.ts';
import { Agents, request, requestFault, type HttpResponse } from './request.ts';

export const createHttpAdapter: AdapterFactory<HttpConfig> = (config, env) => new HttpAdapter(config, env);

class HttpAdapter implements Adapter {
  private readonly agents = new Agents();

  constructor(
    private readonly config: HttpConfig,
    private readonly env: AdapterEnv,
  ) {}

  async open(ctx: AdapterContext): Promise<Session> {
    return new HttpSession(this.config, this.env, ctx, this.agents);
  }

  async dispose(): Promise<void> {
    this.agents.destroy();
  }
}

/** What the last request saw, kept raw: `inspect()` (harness try, preflight) shapes it only when asked. */
interface LastExchange {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string | undefined;
  response?: HttpResponse;
  /** The parsed body, once it parsed. */
  data?: { value: unknown };
  suggestions?: string[];
}

class HttpSession implements Session {
  private sessionId: string;
  private cookies = new Map<string, string>();
  private turn = 0;
  private last: LastExchange | undefined;
  private answered = false;

  constructor(
    private readonly config: HttpConfig,
    private readonly env: AdapterEnv,
    private readonly ctx: AdapterContext,
    private readonly agents: Agents,
  ) {
    this.sessionId = `h-${randomUUID()}`;
  }

  async send(utterance: Utterance, signal: AbortSignal): Promise<BotReply> {
    const { config } = this;
    this.turn++;
    const vars = { text: utterance.click ?? utterance.text, sessionId: this.sessionId, turn: this.turn, conversationId: this.ctx.conversationId };
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json', ...config.headers };
    if (config.session.header) headers[config.session.header] = this.sessionId;
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const body = config.method === 'GET' ? undefined : JSON.stringify(fillTemplate(config.request, vars));
    const url = config.method === 'GET' ? withQuery(config.url, fillTemplate(config.request, vars)) : config.url;
    const started = performance.now();
    const last: LastExchange = { method: config.method, url, headers, body };
    this.last = last;
    this.debug(`→ ${config.method} ${url}${body ? ` ${excerpt(body, 500)}` : ''}`);
    let res: HttpResponse;
    try {
      res = await request(this.agents, url, { method: config.method, headers, body, signal, timeoutMs: config.timeoutMs ?? this.env.options.turnTimeoutMs, largeJson: { keepBytes: REPLY_FULL_CAP } });
    } catch (err) {
      const fault = requestFault(err, config.url);
      this.debug(`✗ ${fault.kind}: ${fault.message}`);
      throw fault;
    }
    const raw = res.body;
    const elapsed = Math.round(performance.now() - started);
    last.response = res;
    this.debug(`← ${res.status} in ${elapsed} ms ${excerpt(raw, 500)}`);
    if (res.status === 429 || res.status === 503) {
      throw new TransportFault(res.status === 429 ? 'rate-limited' : 'server-error', `HTTP ${res.status} from ${config.url}`, {
        retryAfterMs: parseRetryAfter(header(res.headers['retry-after'])),
      });
    }
    if ((res.status === 404 || res.status === 410) && this.answered) {
      // The same URL answered this session before: the bot has forgotten the session, not the path.
      throw new TransportFault('not-found', `HTTP ${res.status} from ${config.url} mid-conversation: the bot no longer knows the session`, { retryable: true, sessionBroken: true });
    }
    if (res.status >= 500) throw new TransportFault('server-error', `HTTP ${res.status} from ${config.url}: ${raw.slice(0, 200)}`);
    if (res.status >= 400) {
      throw new TransportFault('protocol', `HTTP ${res.status} from ${config.url}: ${raw.slice(0, 200)} — check the profile's request template and headers`, { retryable: false });
    }
    this.keepCookies(res.headers);
    let data: unknown;
    /** Strings cut as a large body arrived, with their whole lengths. */
    let clipped: Map<string, number> | undefined;
    try {
      if (res.json && 'error' in res.json) throw res.json.error;
      if (res.json) ({ value: data, clipped } = res.json.parsed);
      else data = raw.trim() ? JSON.parse(raw) : {};
    } catch {
      throw new TransportFault('protocol', `the bot API answered with non-JSON: ${JSON.stringify(raw.slice(0, 120))}`, { retryable: false });
    }
    this.answered = true;
    last.data = { value: data };
    const reply = this.toReply(data, elapsed, clipped);
    if (!reply.text.trim() && raw.trim()) {
      // Text in the body but none extracted: a path in the profile is wrong, not the bot silent.
      const empty = this.extractions(data).filter((e) => (e.field === 'response.text' || e.field === 'response.messages') && !e.values.length);
      const offered = new Set<string>();
      const suggestions = empty.flatMap((e) =>
        suggestPaths(data, e.rule, 2)
          .filter((s) => !offered.has(s.path) && offered.add(s.path))
          .map((s) => `${e.field} \`${e.rule}\` matched nothing; the body has ${s.example} (${JSON.stringify(excerpt(s.value, 40))}) — did you mean \`${s.path}\`?`),
      );
      if (suggestions.length) last.suggestions = suggestions;
    }
    return reply;
  }

  inspect(): ReplyInspection | undefined {
    const last = this.last;
    if (!last) return undefined;
    const res = last.response;
    return {
      request: { method: last.method, url: last.url, headers: maskHeaders(last.headers), body: last.body },
      ...(res ? { response: { status: res.status, headers: flatHeaders(res.headers), body: res.bytes === undefined ? excerpt(res.body, INSPECT_BODY) : `${res.body.slice(0, INSPECT_BODY)}… (${res.bytes} bytes in all, read as they arrived)` } } : {}),
      extracted: last.data ? this.extractions(last.data.value) : [],
      ...(last.suggestions ? { suggestions: last.suggestions } : {}),
    };
  }

  /** What each configured response path extracts from the body. */
  private extractions(data: unknown): Extraction[] {
    const out: Extraction[] = [];
    for (const [field, rule] of Object.entries(this.config.response)) {
      if (typeof rule !== 'string') continue;
      const v = getPath(data, rule);
      const list = Array.isArray(v) ? v : v == null ? [] : [v];
      out.push({ field: `response.${field}`, rule, values: list.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).filter((x) => x !== '') });
    }
    return out;
  }

  private debug(message: string): void {
    if (this.env.options.debug) this.ctx.log(`http: ${message}`);
  }

  private toReply(data: unknown, elapsed: number, clipped?: Map<string, number>): BotReply {
    const { response } = this.config;
    const texts = (path?: string) => {
      if (!path) return [];
      const v = getPath(data, path);
      const list = Array.isArray(v) ? v : v == null ? [] : [v];
      return list.map((x) => (typeof x === 'string' ? x : x && typeof x === 'object' && 'text' in x ? String((x as any).text) : String(x)));
    };
    const messages = response.messages ? texts(response.messages) : texts(response.text);
    const textParts = response.messages ? texts(response.text) : messages;
    const text = textParts.join('\n') || messages.join('\n');
    if (response.sessionId) {
      const sid = getPath(data, response.sessionId);
      if (typeof sid === 'string' && sid) this.sessionId = sid;
    }
    const intent = response.intent ? getPath(data, response.intent) : undefined;
    // How long the reply was before its strings were cut on arrival (what `text` would have joined).
    const whole = (parts: string[]) => parts.reduce((n, p) => n + (clipped?.get(p) ?? p.length), Math.max(0, parts.length - 1));
    const cut = clipped?.size && [...textParts, ...messages].some((p) => clipped.has(p)) ? Math.max(whole(textParts), whole(messages)) : 0;
    return {
      text,
      messages: messages.map((m) => ({ text: m, atMs: elapsed, kind: 'text' as const })),
      buttons: texts(response.buttons),
      latency: { firstMs: elapsed, settledMs: elapsed },
      intent: typeof intent === 'string' ? intent : undefined,
      handoff: response.handoff ? Boolean(getPath(data, response.handoff)) : undefined,
      evidence: { raw: data },
      ...(cut ? { truncated: { originalChars: Math.max(cut, text.length) } } : {}),
    };
  }

  private keepCookies(headers: HttpResponse['headers']): void {
    if (!this.config.session.cookies) return;
    for (const line of headers['set-cookie'] ?? []) {
      const [pair] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq > 0) this.cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
  }

  async close(): Promise<void> {}
}

/** How much of a response body an inspection keeps. */
const INSPECT_BODY = 8192;

const excerpt = (s: string, max: number) => (s.length > max ? `${s.slice(0, max)}… (${s.length} chars)` : s);

const SECRET_HEADER = /authorization|cookie|token|secret|api[-_]?key|signature/i;

/** Headers as shown by harness try and --debug: credentials masked. */
function maskHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, SECRET_HEADER.test(k) ? mask(v) : v]));
}

const mask = (v: string) => {
  const scheme = /^(Bearer|Basic|Token)\s+/i.exec(v)?.[0] ?? '';
  return `${scheme}***${v.length - scheme.length > 12 ? v.slice(-4) : ''}`;
};

function flatHeaders(h: HttpResponse['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined) out[k] = SECRET_HEADER.test(k) ? mask(Array.isArray(v) ? v.join(', ') : v) : Array.isArray(v) ? v.join(', ') : v;
  return out;
}

function withQuery(url: string, params: unknown): string {
  const u = new URL(url);
  if (params && typeof params === 'object') for (const [k, v] of Object.entries(params)) u.searchParams.set(k, String(v));
  return u.toString();
}

export function parseRetryAfter(value: string | null): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - Date.now()) : undefined;
}

const header = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) ?? null;
