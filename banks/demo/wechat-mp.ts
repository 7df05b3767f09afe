import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decrypt, encrypt, msgSignature, signature } from '../../lib/wechat/crypto.ts';
import { buildNewsXml, buildXml, parseFields } from '../../lib/wechat/xml.ts';
import type { Brain, BrainReply, BrainSession } from './brain/types.ts';
import type { DemoOptions, DemoPart } from './part.ts';

// The demo bank's official-account endpoint, configured in safe mode (it also
// answers plain and compatible pushes, as a real endpoint mid-migration does):
// verifies signatures, decrypts, dedupes the platform's re-sends by MsgId,
// and replies with encrypted text, a news article for branch lookups, or a
// transfer to human agents (transfer_customer_service) on a handoff.

export interface WechatMpServer {
  url: string;
  token: string;
  aesKey: string;
  appId: string;
  /** Messages answered by the brain (a re-sent MsgId is not counted twice). */
  stats: { received: number; answered: number; duplicates: number; rejected: number };
  close(): Promise<void>;
}

export async function createWechatMpServer(
  brain: Brain,
  options: Pick<DemoOptions, 'latencyMs' | 'jitterMs'>,
  keys: { token?: string; aesKey?: string; appId?: string } = {},
): Promise<WechatMpServer> {
  const token = keys.token ?? randomBytes(8).toString('hex');
  const aesKey = keys.aesKey ?? randomBytes(32).toString('base64').slice(0, 43);
  const appId = keys.appId ?? 'wxdemo' + randomBytes(5).toString('hex');
  const sessions = new Map<string, BrainSession>();
  const byMsgId = new Map<string, Promise<string>>();
  const stats = { received: 0, answered: 0, duplicates: 0, rejected: 0 };
  const timers = new Set<NodeJS.Timeout>();

  const delay = (key: string) => {
    let h = 2166136261;
    for (const c of key) h = Math.imul(h ^ c.charCodeAt(0), 16777619);
    const u = ((h >>> 0) % 10000) / 10000;
    const ms = Math.max(0, options.latencyMs + (u * 2 - 1) * options.jitterMs);
    return new Promise<void>((resolve) => {
      const t = setTimeout(() => (timers.delete(t), resolve()), ms);
      timers.add(t);
    });
  };

  const replyXml = (msg: Record<string, string>, reply: BrainReply): string => {
    const head = { ToUserName: msg.FromUserName, FromUserName: msg.ToUserName, CreateTime: Math.floor(Date.now() / 1000) };
    // 多客服: the platform hands the conversation to the account's human agents.
    if (reply.handoff) return buildXml({ ...head, MsgType: 'transfer_customer_service' });
    if (reply.intent?.startsWith('branch') && reply.kind === 'answer') {
      const [title, ...rest] = reply.parts.length > 0 ? reply.parts : [reply.text];
      return buildNewsXml(head, [{ title, description: rest.join('\n'), picUrl: '', url: 'https://bank.example/branches' }]);
    }
    return buildXml({ ...head, MsgType: 'text', Content: reply.parts.length > 0 ? reply.parts.join('\n') : reply.text });
  };

  const answer = async (msg: Record<string, string>): Promise<string> => {
    if (msg.MsgType !== 'text') return 'success';
    let session = sessions.get(msg.FromUserName);
    if (!session) sessions.set(msg.FromUserName, (session = brain.session('wechat-mp')));
    const reply = session.reply(msg.Content ?? '');
    stats.answered++;
    await delay(`${msg.FromUserName}:${msg.MsgId}`);
    return replyXml(msg, reply);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const q = (k: string) => url.searchParams.get(k) ?? '';
    const reject = (status: number, why: string) => {
      stats.rejected++;
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' }).end(why);
    };
    if (signature(token, q('timestamp'), q('nonce')) !== q('signature')) return reject(401, 'invalid signature');
    if (req.method === 'GET') return res.writeHead(200, { 'content-type': 'text/plain' }).end(q('echostr'));
    if (req.method !== 'POST') return reject(405, 'method not allowed');
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const aes = q('encrypt_type') === 'aes';
    let fields = parseFields(body);
    if (aes) {
      if (fields.Encrypt === undefined) return reject(400, 'missing Encrypt');
      if (msgSignature(token, q('timestamp'), q('nonce'), fields.Encrypt) !== q('msg_signature')) return reject(401, 'invalid msg_signature');
      try {
        const dec = decrypt(aesKey, fields.Encrypt);
        if (dec.appId !== appId) return reject(401, 'wrong appid');
        fields = parseFields(dec.message);
      } catch {
        return reject(400, 'cannot decrypt');
      }
    }
    stats.received++;
    const key = `${fields.FromUserName}:${fields.MsgId}`;
    let pending = byMsgId.get(key);
    if (pending) stats.duplicates++;
    else byMsgId.set(key, (pending = answer(fields)));
    const plain = await pending;
    if (!aes || plain === 'success') return res.writeHead(200, { 'content-type': 'text/xml; charset=utf-8' }).end(plain);
    const ts = String(Math.floor(Date.now() / 1000));
    const n = String(randomBytes(4).readUInt32BE(0));
    const enc = encrypt(aesKey, appId, plain);
    res
      .writeHead(200, { 'content-type': 'text/xml; charset=utf-8' })
      .end(buildXml({ Encrypt: enc, MsgSignature: msgSignature(token, ts, n, enc), TimeStamp: Number(ts), Nonce: n }));
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err) => {
      if (!res.headersSent) res.writeHead(500).end(String(err));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/wechat`,
    token,
    aesKey,
    appId,
    stats,
    close: async () => {
      for (const t of timers) clearTimeout(t);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export const startWechatMp: DemoPart = async (brain, options) => {
  const s = await createWechatMpServer(brain, options);
  return {
    vars: { 'wechat-mp': s.url, 'wechat-mp-token': s.token, 'wechat-mp-aeskey': s.aesKey, 'wechat-mp-appid': s.appId },
    close: s.close,
  };
};
