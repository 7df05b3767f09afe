import alawmulaw from 'alawmulaw';

const { alaw, mulaw } = alawmulaw;
import type { G711Codec } from './sdp.ts';

// G.711 both ways. Encoding is per frame and byte-exact: what the far end
// decodes is exactly what the codec allows, nothing resampled or mixed.

export function encodeG711(codec: G711Codec, pcm: Int16Array): Uint8Array {
  return codec === 'PCMU' ? mulaw.encode(pcm) : alaw.encode(pcm);
}

export function decodeG711(codec: G711Codec, bytes: Uint8Array): Int16Array {
  return codec === 'PCMU' ? mulaw.decode(bytes) : alaw.decode(bytes);
}

/** The byte a silent sample encodes to (0xFF in μ-law, 0xD5 in A-law). */
export function silenceByte(codec: G711Codec): number {
  return codec === 'PCMU' ? mulaw.encodeSample(0) : alaw.encodeSample(0);
}
