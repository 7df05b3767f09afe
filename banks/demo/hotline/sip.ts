import * as sip from 'sip';
import type { SipMessage } from 'sip';
import { buildSdp, negotiate, parseSdp, type G711Codec } from '../../../lib/telephony/rtp/sdp.ts';
import { RtpSession } from '../../../lib/telephony/rtp/session.ts';
import { inDialogRequest, newTag, type Dialog } from '../../../lib/telephony/sip/dialog.ts';
import { listenEndpoint, type Remote, type SipEndpoint } from '../../../lib/telephony/sip/endpoint.ts';
import type { DemoPart } from '../part.ts';
import type { CallHandler, MediaLeg } from './leg.ts';

// The demo hotline reached over SIP: a user agent server on loopback that
// answers every INVITE (G.711 as the caller prefers, RFC 4733 DTMF), turns the
// RTP stream into a MediaLeg and runs the same IVR and voice bot as the
// WebSocket hotline on it.

export interface SipUasOptions {
  handler: CallHandler;
  address?: string;
  port?: number;
  codecs?: G711Codec[];
  /** A caller silent on the wire this long is gone. */
  mediaTimeoutMs?: number;
  log?(message: string): void;
}

export interface SipUas {
  uri: string;
  port: number;
  /** Calls answered so far. */
  readonly answered: number;
  close(): Promise<void>;
}

interface UasCall {
  dialog: Dialog;
  remote: Remote;
  answer?: SipMessage;
  acked: boolean;
  rtp?: RtpSession;
  end(reason: string, sendBye: boolean): Promise<void>;
}

export async function startSipUas(opts: SipUasOptions): Promise<SipUas> {
  const address = opts.address ?? '127.0.0.1';
  const codecs = opts.codecs ?? ['PCMU', 'PCMA'];
  const log = opts.log ?? (() => {});
  const ep: SipEndpoint = await listenEndpoint(address, opts.port ?? 0);
  const calls = new Map<string, UasCall>();
  const running = new Set<Promise<void>>();
  let answered = 0;

  const reply = (rq: SipMessage, status: number, reason: string, extra?: Parameters<typeof sip.makeResponse>[3]) =>
    ep.respond(sip.makeResponse(rq, status, reason, extra));

  const contact = [{ uri: `sip:bot@${address}:${ep.local.port}`, params: {} }];

  async function answer(rq: SipMessage, remote: Remote): Promise<void> {
    const callId = rq.headers['call-id']!;
    let neg;
    try {
      neg = negotiate(parseSdp(rq.content ?? ''), codecs);
    } catch (err) {
      return reply(rq, 488, 'Not Acceptable Here', { headers: { warning: `399 harness-demo "${(err as Error).message}"` } });
    }
    const rtp = await RtpSession.open(address);
    const to = { ...rq.headers.to!, params: { ...rq.headers.to!.params, tag: newTag() } };
    const call: UasCall = {
      dialog: {
        callId,
        local: to,
        remote: rq.headers.from!,
        remoteTarget: sip.stringifyUri((rq.headers.contact as { uri: string }[] | undefined)?.[0]?.uri ?? rq.headers.from!.uri),
        routeSet: rq.headers['record-route'] ?? [],
        cseq: Math.floor(Math.random() * 10000),
      },
      remote,
      acked: false,
      rtp,
      end: async () => {},
    };
    calls.set(callId, call);
    const sdp = buildSdp({
      address,
      port: rtp.port,
      codecs: [{ codec: neg.codec, payloadType: neg.payloadType }],
      dtmfPayloadType: neg.dtmfPayloadType,
      sessionId: Math.floor(Math.random() * 2 ** 31),
      name: 'demo-bank',
    });
    call.answer = sip.makeResponse(rq, 200, 'OK', { headers: { to, contact, 'content-type': 'application/sdp' }, content: sdp });
    ep.respond(call.answer);
    answered++;
    log(`demo SIP: answered ${callId} with ${neg.codec}`);
    rtp.start(neg);

    // RFC 3261 13.3.1.4: the UAS core resends its 2xx until the ACK comes.
    let resend = 500;
    const retransmit = (): void => {
      if (call.acked || !calls.has(callId)) return;
      if (resend > 16000) return void call.end('no ACK', true);
      ep.respond(call.answer!);
      timer = setTimeout(retransmit, (resend *= 2));
    };
    let timer = setTimeout(retransmit, resend);

    let resolveEnded!: () => void;
    const ended = new Promise<void>((r) => (resolveEnded = r));
    const timeoutMs = opts.mediaTimeoutMs ?? 30000;
    const watch = setInterval(() => {
      if (performance.now() - rtp.lastReceivedAt > timeoutMs) void call.end('no RTP from the caller', true);
    }, 500);
    call.end = async (reason, sendBye) => {
      if (!calls.has(callId)) return;
      calls.delete(callId);
      clearTimeout(timer);
      clearInterval(watch);
      rtp.close(new Error(`the caller hung up (${reason})`));
      if (sendBye) {
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, 2000);
          ep.request(inDialogRequest(call.dialog, 'BYE'), (rs) => {
            if ((rs.status ?? 0) >= 200) (clearTimeout(t), resolve());
          }, call.remote);
        });
      }
      log(`demo SIP: ${callId} ended (${reason})`);
      resolveEnded();
    };

    const leg: MediaLeg = {
      play: (pcm, signal) => rtp.play(pcm, signal),
      onAudio: (l) => rtp.onAudio(l),
      onDtmf: (l) => rtp.onDtmf(l),
      hangup: () => call.end('hangup by the bot', true),
      ended,
    };
    const run = opts
      .handler(leg)
      .catch((err) => log(`demo SIP: call handler failed: ${(err as Error).message}`))
      .then(() => call.end('the bot finished', true));
    running.add(run);
    void run.finally(() => running.delete(run));
  }

  ep.onRequest((rq, remote) => {
    const call = calls.get(rq.headers['call-id'] ?? '');
    switch (rq.method) {
      case 'ACK':
        if (call) call.acked = true;
        return;
      case 'INVITE':
        if (!rq.headers.to?.params.tag) {
          reply(rq, 100, 'Trying');
          return void answer(rq, remote).catch((err) => {
            log(`demo SIP: cannot answer: ${(err as Error).message}`);
            reply(rq, 500, 'Server Internal Error');
          });
        }
        if (!call) return reply(rq, 481, 'Call/Transaction Does Not Exist');
        return reply(rq, 200, 'OK', { headers: { to: call.answer!.headers.to, contact, 'content-type': 'application/sdp' }, content: call.answer!.content });
      case 'BYE':
        if (!call) return reply(rq, 481, 'Call/Transaction Does Not Exist');
        reply(rq, 200, 'OK');
        return void call.end('BYE from the caller', false);
      case 'CANCEL':
        return reply(rq, call ? 481 : 200, call ? 'Call/Transaction Does Not Exist' : 'OK');
      case 'OPTIONS':
      case 'INFO':
        return reply(rq, 200, 'OK');
      default:
        return reply(rq, 501, 'Not Implemented');
    }
  });

  return {
    uri: `sip:bot@${address}:${ep.local.port}`,
    port: ep.local.port,
    get answered() {
      return answered;
    },
    async close() {
      await Promise.allSettled([...calls.values()].map((c) => c.end('the demo bank is closing', true)));
      await Promise.allSettled([...running]);
      await ep.close();
    },
  };
}

/** The demo bank part: publishes `${embedded:hotline-sip}` = sip:bot@127.0.0.1:PORT. */
export const startSipHotline: DemoPart = async (brain, options) => {
  const { createCallHandler } = await import('./bot.ts'); // the IVR and voice bot of the WebSocket hotline too
  const uas = await startSipUas({ handler: createCallHandler(brain, options) });
  return { vars: { 'hotline-sip': uas.uri }, close: () => uas.close() };
};
