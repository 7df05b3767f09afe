import { createHash, randomBytes } from 'node:crypto';
import type { Adapter, AdapterContext, AdapterEnv, BotMessage, BotReply, Session, Utterance } from '../../harness/types.ts';
import { TransportFault } from '../../harness/types.ts';
import type { WechatMpConfig } from './config.ts';
import { decrypt, encrypt, msgSignature, signature } from '../../lib/wechat/crypto.ts';
import { buildXml, parseArticles, parseFields } from '../../lib/wechat/xml.ts';
import { Agents, request, requestFault } from '../http/request.ts';

// The harness plays the WeChat platform: it verifies the URL once, then pushes
// each customer message as signed (and, in safe/compatible mode, encrypted)
// XML and reads the passive reply. The 5-second rule: no answer in timeoutMs
// → the same MsgId again, `retries` times, then a timeout fault.

export const NO_PASSIVE_REPLY = '无被动回复（success 或空响应）';
/** What the customer is shown for a transfer_customer_service reply. */
export const HANDOFF_NOTICE = '（已转入人工客服）';

interface PostResult {
  status: number;
  body: string;
  ms: number;
}

export function createWechatMpAdapter(config: WechatMpConfig, env: AdapterEnv): Adapter {
  if (config.mode !== 'plain' && !config.aesKey) {
    throw new Error(`wechat-mp: aesKey is required in ${config.mode} mode — set it (EncodingAESKey), or use mode: plain`);
  }
  const agents = new Agents();
  let verified: Promise<void> | undefined;
  const verify = (signal: AbortSignal) => {
    verified ??= verifyUrl(config, agents, signal).catch((err) => {
      verified = undefined; // a transport fault is retried by the runner: verify again then
      throw err;
    });
    return verified;
  };
  return {
    async open(ctx) {
      if (config.verify) await verify(ctx.signal);
      return new WechatMpSession(config, ctx, env, agents);
    },
    async dispose() {
      agents.destroy();
    },
  };
}

const nonce = () => String(randomBytes(4).readUInt32BE(0));
const now = () => String(Math.floor(Date.now() / 1000));

/** One request (the POST of a message, the GET of the URL check) over the shared keep-alive client (a stale kept-alive socket is sent again; a deadline is judged after the loop reads the sockets). */
async function exchange(agents: Agents, url: string, init: { method: string; body?: string; headers?: Record<string, string> }, timeoutMs: number, outer: AbortSignal): Promise<PostResult> {
  const started = performance.now();
  try {
    const res = await request(agents, url, { method: init.method, headers: init.headers ?? {}, body: init.body, signal: outer, timeoutMs });
    return { status: res.status, body: res.body, ms: performance.now() - started };
  } catch (err) {
    if (outer.aborted) throw err;
    throw requestFault(err, url);
  }
}

/** The URL check an administrator's "submit" triggers once: setup, not a passive reply, so the 5-second rule does not bind it. */
const VERIFY_TIMEOUT_MS = 30_000;

async function verifyUrl(config: WechatMpConfig, agents: Agents, signal: AbortSignal): Promise<void> {
  const timestamp = now();
  const n = nonce();
  const echostr = randomBytes(9).toString('hex');
  const url = new URL(config.url);
  url.searchParams.set('signature', signature(config.token, timestamp, n));
  url.searchParams.set('timestamp', timestamp);
  url.searchParams.set('nonce', n);
  url.searchParams.set('echostr', echostr);
  const res = await exchange(agents, url.toString(), { method: 'GET' }, Math.max(config.timeoutMs, VERIFY_TIMEOUT_MS), signal);
  if (res.status >= 500) throw new TransportFault('server-error', `URL verification: HTTP ${res.status}`);
  if (res.body.trim() !== echostr) {
    throw new TransportFault(
      'protocol',
      `URL verification failed: the endpoint answered ${JSON.stringify(res.body.slice(0, 80))} (HTTP ${res.status}) instead of echoing echostr — check the token`,
      { retryable: false },
    );
  }
}

class WechatMpSession implements Session {
  private readonly openId: string;
  private counter = 0;
  private sent = 0;
  private retried = 0;

  constructor(
    private readonly config: WechatMpConfig,
    private readonly ctx: AdapterContext,
    private readonly env: AdapterEnv,
    private readonly agents: Agents,
  ) {
    const h = createHash('sha1').update(ctx.conversationId).digest('base64url');
    this.openId = config.fromUser ?? `oHarness${h.slice(0, 20)}`;
  }

  private msgId(): string {
    // 64-bit like the platform's: seed, clock and a per-conversation counter.
    const hi = BigInt(this.ctx.seed >>> 0) << 32n;
    return String(hi | BigInt((Date.now() % 2 ** 20) * 1024 + (this.counter++ % 1024)));
  }

  async send(utterance: Utterance, signal: AbortSignal): Promise<BotReply> {
    const { config } = this;
    const createTime = Math.floor(Date.now() / 1000);
    const msgId = this.msgId();
    const plainXml = buildXml({
      ToUserName: config.toUser,
      FromUserName: this.openId,
      CreateTime: createTime,
      MsgType: 'text',
      Content: utterance.click ?? utterance.text,
      MsgId: msgId,
    });
    const started = performance.now();
    let lastFault: TransportFault | undefined;
    for (let attempt = 0; attempt <= config.retries; attempt++) {
      const timestamp = now();
      const n = nonce();
      const url = new URL(config.url);
      url.searchParams.set('signature', signature(config.token, timestamp, n));
      url.searchParams.set('timestamp', timestamp);
      url.searchParams.set('nonce', n);
      url.searchParams.set('openid', this.openId);
      let body = plainXml;
      if (config.mode !== 'plain') {
        const enc = encrypt(config.aesKey!, config.appId, plainXml);
        url.searchParams.set('encrypt_type', 'aes');
        url.searchParams.set('msg_signature', msgSignature(config.token, timestamp, n, enc));
        body =
          config.mode === 'safe'
            ? buildXml({ ToUserName: config.toUser, Encrypt: enc })
            : plainXml.replace(/<\/xml>$/, `<Encrypt><![CDATA[${enc}]]></Encrypt></xml>`);
      }
      this.sent++;
      if (attempt > 0) this.retried++;
      try {
        const res = await exchange(this.agents, url.toString(), { method: 'POST', body, headers: { 'content-type': 'text/xml' } }, config.timeoutMs, signal);
        if (res.status >= 500) throw new TransportFault('server-error', `HTTP ${res.status} from the endpoint`);
        if (res.status >= 400) {
          throw new TransportFault('protocol', `HTTP ${res.status} from the endpoint: ${res.body.slice(0, 120)}`, { retryable: false });
        }
        return this.parseReply(res.body, performance.now() - started, attempt + 1, msgId);
      } catch (err) {
        if (err instanceof TransportFault && err.kind === 'timeout') {
          lastFault = err;
          this.ctx.log(`wechat-mp: no passive reply in ${config.timeoutMs} ms, re-sending MsgId ${msgId} (${attempt + 1}/${config.retries})`);
          continue;
        }
        throw err;
      }
    }
    throw new TransportFault(
      'timeout',
      `no passive reply in ${config.timeoutMs} ms after ${config.retries + 1} attempts (MsgId ${msgId}); WeChat shows 该公众号暂时无法提供服务，请稍后再试`,
      { cause: lastFault },
    );
  }

  private parseReply(raw: string, ms: number, attempts: number, msgId: string): BotReply {
    const trimmed = raw.trim();
    const latency = { firstMs: Math.round(ms), settledMs: Math.round(ms) };
    if (trimmed === '' || trimmed.toLowerCase() === 'success') {
      return {
        text: '',
        messages: [],
        buttons: [],
        latency: { firstMs: null, settledMs: null },
        evidence: { raw: { passive: false, note: NO_PASSIVE_REPLY, body: trimmed, attempts, msgId } },
      };
    }
    let xml = trimmed;
    let fields = parseFields(xml);
    if (fields.Encrypt !== undefined && this.config.aesKey) {
      const { TimeStamp = '', Nonce = '', MsgSignature = '' } = fields;
      const expected = msgSignature(this.config.token, TimeStamp, Nonce, fields.Encrypt);
      if (expected !== MsgSignature) {
        throw new TransportFault('protocol', `reply MsgSignature ${MsgSignature || '(none)'} does not match ${expected}`, { retryable: false });
      }
      let dec;
      try {
        dec = decrypt(this.config.aesKey, fields.Encrypt);
      } catch (err) {
        throw new TransportFault('protocol', `reply could not be decrypted: ${(err as Error).message}`, { retryable: false, cause: err });
      }
      if (dec.appId !== this.config.appId) {
        throw new TransportFault('protocol', `reply encrypted for appid ${dec.appId}, expected ${this.config.appId}`, { retryable: false });
      }
      xml = dec.message;
      fields = parseFields(xml);
    }
    const messages: BotMessage[] = [];
    const atMs = Math.round(ms);
    if (fields.MsgType === 'text') {
      messages.push({ text: fields.Content ?? '', atMs, kind: 'text' });
    } else if (fields.MsgType === 'news') {
      for (const a of parseArticles(xml)) {
        messages.push({ text: [a.title, a.description].filter(Boolean).join('\n'), atMs, kind: 'news' });
      }
    } else if (fields.MsgType === 'transfer_customer_service') {
      // The account handed the customer to its human agents (多客服); they see no text yet.
      messages.push({ text: HANDOFF_NOTICE, atMs, kind: 'system' });
    } else if (fields.MsgType) {
      messages.push({ text: `[${fields.MsgType}]`, atMs, kind: 'card' });
    } else {
      throw new TransportFault('protocol', `reply is neither success nor a message: ${trimmed.slice(0, 120)}`, { retryable: false });
    }
    const ct = Number(fields.CreateTime);
    const createTime = Number.isFinite(ct) ? new Date(ct > 1e11 ? ct : ct * 1000).toISOString() : null;
    return {
      text: messages.map((m) => m.text).join('\n'),
      messages,
      buttons: [],
      latency,
      ...(fields.MsgType === 'transfer_customer_service' ? { handoff: true } : {}),
      evidence: { raw: { passive: true, msgType: fields.MsgType, createTime, attempts, msgId, xml } },
    };
  }

  async close(): Promise<void> {}

  metrics() {
    return { 'wechat-mp.sent': this.sent, 'wechat-mp.resent': this.retried };
  }
}
