// SDP (RFC 4566) offer/answer for one G.711 audio stream with RFC 4733
// telephone-event: just what a phone call to a voice bot needs.

import type { G711Codec } from '../audio/g711.ts';

export type { G711Codec };

export const STATIC_PT: Record<G711Codec, number> = { PCMU: 0, PCMA: 8 };
export const DEFAULT_DTMF_PT = 101;

export interface MediaDescription {
  /** Where the peer wants RTP (c= of the media, else of the session). */
  address: string;
  port: number;
  /** Payload types in the peer's order of preference. */
  formats: number[];
  /** rtpmap: payload type → encoding name (upper case) and clock rate. */
  rtpmap: Map<number, { name: string; rate: number }>;
  direction: 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';
  ptime?: number;
}

export interface Negotiated {
  codec: G711Codec;
  payloadType: number;
  /** telephone-event payload type, when both sides support it. */
  dtmfPayloadType?: number;
  remote: { address: string; port: number };
}

export class SdpError extends Error {}

/** Parses the first audio stream of an SDP body; throws SdpError when there is none usable. */
export function parseSdp(body: string): MediaDescription {
  let sessionAddress: string | undefined;
  let media: MediaDescription | undefined;
  let inAudio = false;
  let seenAudio = false;
  for (const raw of body.split(/\r?\n/)) {
    const line = raw.trim();
    const m = /^([a-z])=(.*)$/.exec(line);
    if (!m) continue;
    const [, type, value] = m;
    if (type === 'm') {
      inAudio = false;
      const mm = /^audio\s+(\d+)(?:\/\d+)?\s+(\S+)\s+([\d\s]+)$/.exec(value);
      if (mm && !seenAudio) {
        seenAudio = inAudio = true;
        media = {
          address: sessionAddress ?? '',
          port: Number(mm[1]),
          formats: mm[3].trim().split(/\s+/).map(Number),
          rtpmap: new Map(),
          direction: 'sendrecv',
        };
      }
      continue;
    }
    if (type === 'c') {
      const addr = /^IN\s+IP[46]\s+([^\s/]+)/.exec(value)?.[1];
      if (!addr) continue;
      if (inAudio && media) media.address = addr;
      else if (!seenAudio) sessionAddress = addr;
      continue;
    }
    if (type !== 'a' || (seenAudio && !inAudio) || !media) continue;
    const rtpmap = /^rtpmap:(\d+)\s+([^/\s]+)\/(\d+)/.exec(value);
    if (rtpmap) media.rtpmap.set(Number(rtpmap[1]), { name: rtpmap[2].toUpperCase(), rate: Number(rtpmap[3]) });
    else if (/^(sendrecv|sendonly|recvonly|inactive)$/.test(value)) media.direction = value as MediaDescription['direction'];
    else if (value.startsWith('ptime:')) media.ptime = Number(value.slice(6));
  }
  if (!media) throw new SdpError('SDP has no audio stream (m=audio)');
  if (!media.address) throw new SdpError('SDP has no connection address (c=) for the audio stream');
  return media;
}

/** The G.711 codec a payload type stands for in this description, if any. */
export function codecOf(media: MediaDescription, pt: number): G711Codec | undefined {
  const mapped = media.rtpmap.get(pt);
  if (mapped) return mapped.rate === 8000 && (mapped.name === 'PCMU' || mapped.name === 'PCMA') ? mapped.name : undefined;
  if (pt === 0) return 'PCMU';
  if (pt === 8) return 'PCMA';
  return undefined;
}

export function dtmfPayloadTypeOf(media: MediaDescription): number | undefined {
  for (const pt of media.formats) {
    const mapped = media.rtpmap.get(pt);
    if (mapped?.name === 'TELEPHONE-EVENT' && mapped.rate === 8000) return pt;
  }
  return undefined;
}

/** Picks the first offered G.711 codec that `supported` allows (the offerer's preference wins). */
export function negotiate(media: MediaDescription, supported: readonly G711Codec[]): Negotiated {
  if (media.port === 0) throw new SdpError('the audio stream was rejected (m=audio port 0)');
  for (const pt of media.formats) {
    const codec = codecOf(media, pt);
    if (codec && supported.includes(codec)) {
      return { codec, payloadType: pt, dtmfPayloadType: dtmfPayloadTypeOf(media), remote: { address: media.address, port: media.port } };
    }
  }
  const offered = media.formats.map((pt) => media.rtpmap.get(pt)?.name ?? String(pt)).join(', ');
  throw new SdpError(`no common codec: the peer offers ${offered}, we support ${supported.join(', ')}`);
}

export interface SdpParams {
  address: string;
  port: number;
  /** Audio payloads in order: [codec, payload type]. */
  codecs: Array<{ codec: G711Codec; payloadType: number }>;
  dtmfPayloadType?: number;
  sessionId: number;
  version?: number;
  /** Who is speaking, in the origin (o=) and session name (s=) lines. */
  name: string;
}

export function buildSdp(p: SdpParams): string {
  const formats = p.codecs.map((c) => c.payloadType);
  if (p.dtmfPayloadType !== undefined) formats.push(p.dtmfPayloadType);
  const lines = [
    'v=0',
    `o=${p.name} ${p.sessionId} ${p.version ?? p.sessionId} IN IP4 ${p.address}`,
    `s=${p.name}`,
    `c=IN IP4 ${p.address}`,
    't=0 0',
    `m=audio ${p.port} RTP/AVP ${formats.join(' ')}`,
    ...p.codecs.map((c) => `a=rtpmap:${c.payloadType} ${c.codec}/8000`),
  ];
  if (p.dtmfPayloadType !== undefined) {
    lines.push(`a=rtpmap:${p.dtmfPayloadType} telephone-event/8000`, `a=fmtp:${p.dtmfPayloadType} 0-16`);
  }
  lines.push('a=ptime:20', 'a=sendrecv');
  return lines.join('\r\n') + '\r\n';
}
