import { randomInt } from 'node:crypto';
import * as sip from 'sip';
import type { SipAor, SipMessage } from 'sip';
import * as digest from 'sip/digest';
import { TransportFault } from '../../../../harness/types.ts';
import { deadline } from '../../../../harness/util/deadline.ts';
import { buildSdp, negotiate, parseSdp, SdpError, STATIC_PT, type Negotiated } from '../../../../lib/telephony/rtp/sdp.ts';
import type { SipTransportConfig } from './config.ts';
import { ackFor2xx, contactUri, inDialogRequest, newCallId, newTag, type Dialog } from '../../../../lib/telephony/sip/dialog.ts';
import type { SipEndpoint } from '../../../../lib/telephony/sip/endpoint.ts';
import { faultForStatus, unreachable } from './faults.ts';

// The caller's INVITE transaction, from offer to answer: digest
// authentication on 401/407, CANCEL when nobody answers in time, the ACK of
// the 2xx, and every failure turned into the TransportFault that names it.

export interface Established {
  dialog: Dialog;
  negotiated: Negotiated;
  /** Our SDP, re-sent unchanged when the far end re-INVITEs. */
  offer: string;
  ack: SipMessage;
  answeredAtMs: number;
}

export interface InviteOptions {
  cfg: SipTransportConfig;
  ep: SipEndpoint;
  rtpPort: number;
  signal: AbortSignal;
  log(message: string): void;
}

const MAX_AUTH_ROUNDS = 2;
const CANCEL_WAIT_MS = 4000;

export function invite({ cfg, ep, rtpPort, signal, log }: InviteOptions): Promise<Established> {
  return new Promise((resolve, reject) => {
    const callId = newCallId(cfg.localAddress);
    const from: SipAor = {
      name: cfg.displayName ? JSON.stringify(cfg.displayName) : undefined,
      uri: cfg.from ?? `sip:harness@${cfg.localAddress}`,
      params: { tag: newTag() },
    };
    const to: SipAor = { uri: cfg.uri, params: {} };
    const transportParam = ep.local.protocol === 'TCP' ? ';transport=tcp' : '';
    const contact: SipAor[] = [{ uri: `sip:harness@${ep.local.address}:${ep.local.port}${transportParam}`, params: {} }];
    const offer = buildSdp({
      address: cfg.localAddress,
      port: rtpPort,
      codecs: cfg.codecs.map((codec) => ({ codec, payloadType: STATIC_PT[codec] })),
      dtmfPayloadType: cfg.dtmfPayloadType,
      sessionId: randomInt(1, 2 ** 31),
      name: 'harness',
    });
    let cseq = 1;
    let current!: SipMessage;
    let heard = false; // any response from the far end yet
    let cancelled: TransportFault | unknown;
    let established: Established | undefined;
    let settled = false;
    let authRounds = 0;
    const authCtx: digest.DigestContext = {};
    const timers: Array<{ clear(): void }> = [];

    const makeInvite = (): SipMessage => ({
      method: 'INVITE',
      uri: cfg.uri,
      headers: {
        to,
        from,
        'call-id': callId,
        cseq: { seq: cseq, method: 'INVITE' },
        contact,
        'max-forwards': 70,
        allow: 'INVITE, ACK, CANCEL, BYE, OPTIONS, INFO',
        'user-agent': 'harness',
        'content-type': 'application/sdp',
      },
      content: offer,
    });

    const send = (rq: SipMessage) => {
      current = rq;
      log(`SIP → INVITE ${cfg.uri} over ${ep.local.protocol} (CSeq ${cseq})`);
      ep.request(rq, (rs) => onResponse(rq, rs));
    };

    const finish = (err?: unknown) => {
      if (settled) return;
      settled = true;
      timers.forEach((t) => t.clear());
      signal.removeEventListener('abort', onAbort);
      if (err === undefined && established) resolve(established);
      else reject(err);
    };

    let cancelSent = false;
    const sendCancel = () => {
      if (cancelSent) return;
      cancelSent = true;
      const via = current.headers.via![0];
      ep.request(
        {
          method: 'CANCEL',
          uri: current.uri,
          headers: {
            via: [{ ...via, params: { ...via.params } }],
            to: current.headers.to,
            from,
            'call-id': callId,
            cseq: { seq: cseq, method: 'CANCEL' },
            'max-forwards': 70,
          },
        },
        () => {},
      );
      log(`SIP → CANCEL ${cfg.uri}`);
    };

    const giveUp = (fault: unknown) => {
      if (settled || cancelled) return;
      cancelled = fault;
      // No CANCEL before a provisional response (RFC 3261 9.1): it goes when
      // one comes (onResponse), so a hotline slow to ring is not left ringing.
      if (heard) sendCancel();
      timers.push(deadline(CANCEL_WAIT_MS, () => finish(fault)));
    };

    const hangUpLate = (d: Dialog) => {
      // A 2xx that raced our CANCEL (or carried an unusable answer): end it at once.
      ep.request(inDialogRequest(d, 'BYE'), () => {});
    };

    const onAnswered = (rq: SipMessage, rs: SipMessage) => {
      if (established) return ep.sendAck(established.ack); // a 200 retransmission: our ACK was lost
      const dialog: Dialog = {
        callId,
        local: from,
        remote: rs.headers.to!,
        remoteTarget: contactUri(rs) ?? cfg.uri,
        routeSet: [...(rs.headers['record-route'] ?? [])].reverse(),
        cseq: rq.headers.cseq!.seq,
      };
      const ack = ackFor2xx(dialog, rq.headers.cseq!.seq);
      ep.sendAck(ack);
      log(`SIP ← ${rs.status} ${rs.reason ?? ''}; → ACK`);
      let negotiated: Negotiated;
      try {
        negotiated = negotiate(parseSdp(rs.content ?? ''), cfg.codecs);
      } catch (err) {
        hangUpLate(dialog);
        const why = err instanceof SdpError ? err.message : String(err);
        return finish(new TransportFault('protocol', `bad SDP answer from ${cfg.uri}: ${why}`, { cause: err }));
      }
      established = { dialog, negotiated, offer, ack, answeredAtMs: Date.now() };
      if (cancelled || settled) {
        hangUpLate(dialog);
        return finish(cancelled);
      }
      finish();
    };

    const onResponse = (rq: SipMessage, rs: SipMessage) => {
      const status = rs.status ?? 0;
      if (rq !== current) {
        if (status >= 200 && status < 300 && !established) onAnswered(rq, rs);
        return;
      }
      if (rs.headers.via === rq.headers.via) {
        // Generated by the transaction layer (timer B, a failed connection): nothing came back.
        if (!heard) return finish(cancelled ?? unreachable(cfg.uri, `did not respond to INVITE (${status})`));
        return finish(cancelled ?? new TransportFault('no-answer', `no answer: ${cfg.uri} stopped responding`));
      }
      heard = true;
      if (status < 200) {
        if (cancelled && !settled) {
          sendCancel();
          return;
        }
        if (status > 100) log(`SIP ← ${status} ${rs.reason ?? ''}`);
        return;
      }
      if (status < 300) return onAnswered(rq, rs);
      log(`SIP ← ${status} ${rs.reason ?? ''}`);
      if ((status === 401 || status === 407) && cfg.auth && authRounds < MAX_AUTH_ROUNDS && !cancelled) {
        const header = rs.headers[status === 407 ? 'proxy-authenticate' : 'www-authenticate'];
        if (Array.isArray(header) && header.length) {
          authRounds++;
          cseq++;
          const next = makeInvite();
          digest.signRequest(authCtx, next, rs, { user: cfg.auth.username, password: cfg.auth.password, realm: cfg.auth.realm });
          return send(next);
        }
      }
      // 487 for our CANCEL, or a final answer that crossed it: the call is over as we ended it.
      if (cancelled) return finish(cancelled);
      finish(faultForStatus(status, rs.reason ?? '', cfg.uri));
    };

    const onAbort = () => giveUp(signal.reason);
    if (signal.aborted) return reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    ep.onFailure((err) => {
      if (!heard) finish(unreachable(cfg.uri, `(${(err as NodeJS.ErrnoException).code ?? err.message})`, err));
      else finish(new TransportFault('dropped', `the SIP connection failed while calling ${cfg.uri}: ${err.message}`, { cause: err }));
    });
    // Deadlines judged after the loop has read the sockets: a response that came in time is never a silent peer.
    timers.push(
      deadline(cfg.ringTimeoutMs, () => {
        if (!heard) finish(cancelled ?? unreachable(cfg.uri, `did not respond to INVITE within ${cfg.ringTimeoutMs} ms`));
      }),
      deadline(cfg.answerTimeoutMs, () => giveUp(new TransportFault('no-answer', `no answer: ${cfg.uri} did not answer within ${cfg.answerTimeoutMs} ms (CANCEL sent)`))),
    );
    send(makeInvite());
  });
}

