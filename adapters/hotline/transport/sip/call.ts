import { performance } from 'node:perf_hooks';
import * as sip from 'sip';
import type { SipMessage } from 'sip';
import { TransportFault } from '../../../../harness/types.ts';
import type { RtpSession } from '../../../../lib/telephony/rtp/session.ts';
import type { Call, CallEnd } from '../types.ts';
import type { SipTransportConfig } from './config.ts';
import { inDialogRequest } from '../../../../lib/telephony/sip/dialog.ts';
import type { SipEndpoint } from '../../../../lib/telephony/sip/endpoint.ts';
import type { Established } from './invite.ts';

// An answered call: RTP both ways, BYE from either side, answers to what the
// far end may send mid-call (re-INVITE, OPTIONS, INFO), and a call that goes
// silent on the wire (no RTP) counted as dropped.

const BYE_WAIT_MS = 2000;

export function startCall(ep: SipEndpoint, rtp: RtpSession, est: Established, cfg: SipTransportConfig, log: (m: string) => void): Call {
  const { dialog } = est;
  let done = false;
  let resolveEnded!: (end: CallEnd) => void;
  const ended = new Promise<CallEnd>((r) => (resolveEnded = r));

  const finish = (end: CallEnd) => {
    if (done) return;
    done = true;
    clearInterval(watch);
    const fault = end.by === 'remote' ? new TransportFault('dropped', `the call ended: ${end.reason ?? 'remote hangup'}`) : undefined;
    rtp.close(fault);
    void ep.close();
    log(`SIP call ended by ${end.by}${end.reason ? ` (${end.reason})` : ''}; ${rtp.stats()}`);
    resolveEnded(end);
  };

  const bye = (): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(resolve, BYE_WAIT_MS);
      ep.request(inDialogRequest(dialog, 'BYE'), (rs) => {
        if ((rs.status ?? 0) >= 200) {
          clearTimeout(timer);
          resolve();
        }
      });
    });

  const reply = (rq: SipMessage, status: number, reason: string, extra?: Parameters<typeof sip.makeResponse>[3]) =>
    ep.respond(sip.makeResponse(rq, status, reason, extra));

  ep.onRequest((rq) => {
    if (rq.method === 'ACK') return;
    if (rq.headers['call-id'] !== dialog.callId) return reply(rq, 481, 'Call/Transaction Does Not Exist');
    switch (rq.method) {
      case 'BYE':
        reply(rq, 200, 'OK');
        return finish({ by: 'remote', reason: 'BYE' });
      case 'INVITE': // a session refresh: keep the media as it is
        return reply(rq, 200, 'OK', {
          headers: { contact: [{ uri: `sip:harness@${ep.local.address}:${ep.local.port}`, params: {} }], 'content-type': 'application/sdp' },
          content: est.offer,
        });
      case 'OPTIONS':
      case 'INFO':
      case 'UPDATE':
      case 'NOTIFY':
      case 'CANCEL':
        return reply(rq, 200, 'OK');
      default:
        return reply(rq, 501, 'Not Implemented');
    }
  });
  ep.onStrayResponse((rs) => {
    if (rs.headers.cseq?.method === 'INVITE' && (rs.status ?? 0) < 300) ep.sendAck(est.ack);
  });
  ep.onFailure((err) => finish({ by: 'remote', reason: `dropped: ${err.message}` }));

  rtp.start(est.negotiated);
  const watch = setInterval(() => {
    const silentMs = performance.now() - rtp.lastReceivedAt;
    if (silentMs > cfg.mediaTimeoutMs) {
      void bye();
      finish({ by: 'remote', reason: `dropped: no RTP from the far end for ${Math.round(silentMs)} ms` });
    }
  }, 250);

  return {
    info: { codec: est.negotiated.codec, answeredAtMs: est.answeredAtMs },
    ended,
    play: (pcm, signal) => rtp.play(pcm, signal),
    sendDtmf: (digits) => rtp.sendDtmf(digits),
    onAudio: (listener) => rtp.onAudio(listener),
    async hangup() {
      if (!done) {
        const sent = bye();
        rtp.close();
        await sent;
        finish({ by: 'local', reason: 'hangup' });
      }
      await ended;
    },
  };
}
