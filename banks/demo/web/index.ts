import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../../lib/package-root.ts';
import type { Brain, BrainReply, BrainSession } from '../brain/types.ts';
import type { DemoOptions, DemoPart } from '../part.ts';
import { errorPage, hostPage, notInWechatPage, oauthUrl, widgetPage, wechatPage } from './pages.ts';

// The demo bank's web chat and WeChat H5 service page, on one node:http
// server. The widget shows a typing indicator while the bot "thinks"
// (latencyMs ± jitterMs), then types each bubble in pieces.

export interface WebPartOptions {
  /** Characters per streamed piece and the pause between pieces. */
  chunkChars: number;
  chunkMs: number;
  /** Pause (typing indicator shown) between two bubbles of one reply. */
  gapMs: number;
  /** The appid the H5 page sends to WeChat's OAuth. */
  appId: string;
}

const defaults: WebPartOptions = { chunkChars: 8, chunkMs: 25, gapMs: 200, appId: 'wxdemo0000000001' };
const MAX_SESSIONS = 10_000;

export interface WebServer {
  url: string;
  wechatUrl: string;
  /** Sessions, messages, and the OAuth codes the WeChat page was given back. */
  stats: { sessions: number; messages: number; oauthCodes: string[]; refused: number };
  close(): Promise<void>;
}

function hashUnit(key: string): number {
  let h = 2166136261;
  for (const c of key) h = Math.imul(h ^ c.charCodeAt(0), 16777619);
  return ((h >>> 0) % 10_000) / 10_000;
}

export async function createWebServer(brain: Brain, options: Pick<DemoOptions, 'latencyMs' | 'jitterMs'>, web: Partial<WebPartOptions> = {}): Promise<WebServer> {
  const o = { ...defaults, ...web };
  const widgetJs = await readFile(join(PACKAGE_ROOT, 'banks/demo/web/widget.js'), 'utf8');
  const sessions = new Map<string, { brain: BrainSession; turns: number }>();
  const stats = { sessions: 0, messages: 0, oauthCodes: [] as string[], refused: 0 };
  const timers = new Set<NodeJS.Timeout>();
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(() => (timers.delete(t), resolve()), ms);
      timers.add(t);
    });

  /** The page the widget runs in says the channel: the WeChat service page or the portal's web chat. */
  const channelOf = (req: IncomingMessage) => {
    try {
      return new URL(req.headers.referer ?? '', 'http://x').pathname.startsWith('/wechat') ? 'wechat' : 'web';
    } catch {
      return 'web';
    }
  };
  const sessionFor = (id: string, channel: string) => {
    let s = sessions.get(id);
    if (!s) {
      if (sessions.size >= MAX_SESSIONS) sessions.delete(sessions.keys().next().value!);
      sessions.set(id, (s = { brain: brain.session(channel), turns: 0 }));
      stats.sessions++;
    }
    return s;
  };
  const parts = (r: BrainReply) => (r.parts.length > 0 ? r.parts : [r.text]).filter((p) => p.trim() !== '');

  const send = (res: ServerResponse, status: number, type: string, body: string, headers: Record<string, string> = {}) =>
    res.writeHead(status, { 'content-type': `${type}; charset=utf-8`, 'cache-control': 'no-store', ...headers }).end(body);

  async function chat(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    let body: { session?: unknown; text?: unknown };
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return send(res, 400, 'application/json', '{"error":"invalid JSON"}');
    }
    if (typeof body.session !== 'string' || typeof body.text !== 'string') {
      return send(res, 400, 'application/json', '{"error":"session and text are required"}');
    }
    const s = sessionFor(body.session, channelOf(req));
    const turn = ++s.turns;
    stats.messages++;
    const reply = s.brain.reply(body.text);
    res.writeHead(200, { 'content-type': 'application/x-ndjson; charset=utf-8', 'cache-control': 'no-store' });
    res.flushHeaders();
    const emit = (ev: object) => !res.destroyed && res.write(JSON.stringify(ev) + '\n');
    const jitter = (hashUnit(`${body.session}:${turn}`) * 2 - 1) * options.jitterMs;
    await sleep(Math.max(0, options.latencyMs + jitter));
    for (const [i, part] of parts(reply).entries()) {
      if (i > 0) {
        emit({ t: 'typing', on: true });
        await sleep(o.gapMs);
      }
      emit({ t: 'bubble' });
      for (let at = 0; at < part.length; at += o.chunkChars) {
        if (at > 0) await sleep(o.chunkMs);
        emit({ t: 'delta', text: part.slice(at, at + o.chunkChars) });
      }
    }
    if (reply.buttons.length > 0) emit({ t: 'buttons', buttons: reply.buttons });
    if (reply.handoff) emit({ t: 'handoff' });
    emit({ t: 'end' });
    res.end();
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? '127.0.0.1'}`);
    const path = url.pathname;
    if (req.method === 'GET' && path === '/') return send(res, 200, 'text/html', hostPage);
    if (req.method === 'GET' && path === '/widget') return send(res, 200, 'text/html', widgetPage);
    if (req.method === 'GET' && path === '/widget.js') return send(res, 200, 'text/javascript', widgetJs);
    if (req.method === 'GET' && path === '/wechat') {
      if (!/MicroMessenger/i.test(req.headers['user-agent'] ?? '')) {
        stats.refused++;
        return send(res, 200, 'text/html', notInWechatPage);
      }
      const code = url.searchParams.get('code');
      if (!code) {
        const back = `${url.origin}/wechat`;
        return send(res, 302, 'text/plain', '', { location: oauthUrl(o.appId, back) });
      }
      if (stats.oauthCodes.length < 100) stats.oauthCodes.push(code);
      return send(res, 200, 'text/html', wechatPage);
    }
    if (req.method === 'GET' && (path === '/chat/welcome' || path === '/wechat/chat/welcome')) {
      const s = sessionFor(url.searchParams.get('session') ?? 'anonymous', path.startsWith('/wechat') ? 'wechat' : channelOf(req));
      const w = s.brain.welcome();
      return send(res, 200, 'application/json', JSON.stringify({ parts: parts(w), buttons: w.buttons }));
    }
    if (req.method === 'POST' && path === '/chat') return chat(req, res);
    return send(res, 404, 'text/html', errorPage('页面不存在'));
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err) => {
      if (!res.headersSent) send(res, 500, 'text/plain', String(err));
      else res.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const base = `http://127.0.0.1:${port}`;
  return {
    url: `${base}/`,
    wechatUrl: `${base}/wechat`,
    stats,
    close: async () => {
      for (const t of timers) clearTimeout(t);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export const startWeb: DemoPart = async (brain, options) => {
  const s = await createWebServer(brain, options, (options.web ?? {}) as Partial<WebPartOptions>);
  return { vars: { web: s.url, wechat: s.wechatUrl }, close: s.close };
};
