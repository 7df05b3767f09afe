import { randomBytes } from 'node:crypto';
import * as sip from 'sip';
import type { SipAor, SipMessage } from 'sip';

// The dialog state both sides of a call keep (RFC 3261 12) and the requests
// built from it: in-dialog requests and the ACK of a 2xx.

export interface Dialog {
  callId: string;
  local: SipAor; // our From (UAC) or To (UAS), with our tag
  remote: SipAor; // the other one, with the far end's tag
  remoteTarget: string; // the far end's Contact
  routeSet: SipAor[];
  cseq: number;
}

export function newTag(): string {
  return randomBytes(6).toString('hex');
}

export function newCallId(host: string): string {
  return `${randomBytes(10).toString('hex')}@${host}`;
}

export function contactUri(m: SipMessage): string | undefined {
  const c = m.headers.contact;
  if (!Array.isArray(c) || !c.length) return undefined;
  return sip.stringifyUri(c[0].uri);
}

/** A new request inside the dialog (BYE, re-INVITE…), with the next CSeq. */
export function inDialogRequest(d: Dialog, method: string): SipMessage {
  d.cseq += 1;
  return {
    method,
    uri: d.remoteTarget,
    headers: {
      to: d.remote,
      from: d.local,
      'call-id': d.callId,
      cseq: { seq: d.cseq, method },
      route: d.routeSet,
      'max-forwards': 70,
    },
  };
}

export function ackFor2xx(d: Dialog, inviteSeq: number): SipMessage {
  return {
    method: 'ACK',
    uri: d.remoteTarget,
    headers: {
      to: d.remote,
      from: d.local,
      'call-id': d.callId,
      cseq: { seq: inviteSeq, method: 'ACK' },
      route: d.routeSet,
      'max-forwards': 70,
    },
  };
}
