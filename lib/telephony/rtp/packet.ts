// RTP (RFC 3550) fixed header and RFC 4733 telephone-event payloads: plain
// byte layouts, no state. Header extensions, CSRCs and padding are parsed
// over (peers may send them) but never written.

export interface RtpPacket {
  payloadType: number;
  marker: boolean;
  sequence: number;
  timestamp: number;
  ssrc: number;
  payload: Uint8Array;
}

export const RTP_HEADER_BYTES = 12;

export function encodeRtp(p: RtpPacket): Buffer {
  const out = Buffer.allocUnsafe(RTP_HEADER_BYTES + p.payload.length);
  out[0] = 0x80; // V=2, no padding, no extension, no CSRC
  out[1] = (p.marker ? 0x80 : 0) | (p.payloadType & 0x7f);
  out.writeUInt16BE(p.sequence & 0xffff, 2);
  out.writeUInt32BE(p.timestamp >>> 0, 4);
  out.writeUInt32BE(p.ssrc >>> 0, 8);
  out.set(p.payload, RTP_HEADER_BYTES);
  return out;
}

/** Parses one datagram; undefined when it is not RTP version 2 (RTCP, STUN, noise). */
export function decodeRtp(buf: Uint8Array): RtpPacket | undefined {
  if (buf.length < RTP_HEADER_BYTES || buf[0] >> 6 !== 2) return undefined;
  const pt = buf[1] & 0x7f;
  if (pt >= 72 && pt <= 76) return undefined; // RTCP multiplexed on the same port
  const view = Buffer.from(buf.buffer, buf.byteOffset, buf.length);
  let offset = RTP_HEADER_BYTES + (buf[0] & 0x0f) * 4;
  if (buf[0] & 0x10) {
    if (buf.length < offset + 4) return undefined;
    offset += 4 + view.readUInt16BE(offset + 2) * 4;
  }
  let end = buf.length;
  if (buf[0] & 0x20) end -= buf[buf.length - 1];
  if (offset > end) return undefined;
  return {
    payloadType: pt,
    marker: (buf[1] & 0x80) !== 0,
    sequence: view.readUInt16BE(2),
    timestamp: view.readUInt32BE(4),
    ssrc: view.readUInt32BE(8),
    payload: buf.subarray(offset, end),
  };
}

export interface DtmfEvent {
  /** 0-9, 10 = *, 11 = #, 12-15 = A-D. */
  event: number;
  end: boolean;
  /** Power level in -dBm0, 0..63. */
  volume: number;
  /** In timestamp units (samples) since the event started. */
  duration: number;
}

export function encodeDtmfEvent(e: DtmfEvent): Uint8Array {
  const out = new Uint8Array(4);
  out[0] = e.event;
  out[1] = (e.end ? 0x80 : 0) | (e.volume & 0x3f);
  out[2] = (e.duration >> 8) & 0xff;
  out[3] = e.duration & 0xff;
  return out;
}

export function decodeDtmfEvent(payload: Uint8Array): DtmfEvent | undefined {
  if (payload.length < 4) return undefined;
  return {
    event: payload[0],
    end: (payload[1] & 0x80) !== 0,
    volume: payload[1] & 0x3f,
    duration: (payload[2] << 8) | payload[3],
  };
}

const DIGITS = '0123456789*#ABCD';

export function dtmfEventCode(digit: string): number {
  const code = DIGITS.indexOf(digit.toUpperCase());
  if (code < 0) throw new Error(`not a DTMF digit: ${JSON.stringify(digit)} (use 0-9, *, #, A-D)`);
  return code;
}

export function dtmfDigit(event: number): string | undefined {
  return DIGITS[event];
}

/** Signed distance a→b on the 16-bit sequence-number circle. */
export function seqDistance(a: number, b: number): number {
  const d = (b - a) & 0xffff;
  return d >= 0x8000 ? d - 0x10000 : d;
}
