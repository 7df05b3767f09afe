import alawmulaw from 'alawmulaw';

// G.711 companding, the only codecs telephone networks guarantee.

export type G711Codec = 'PCMU' | 'PCMA';

export function encodeG711(codec: G711Codec, pcm: Int16Array): Uint8Array {
  return codec === 'PCMU' ? alawmulaw.mulaw.encode(pcm) : alawmulaw.alaw.encode(pcm);
}

export function decodeG711(codec: G711Codec, bytes: Uint8Array): Int16Array {
  return codec === 'PCMU' ? alawmulaw.mulaw.decode(bytes) : alawmulaw.alaw.decode(bytes);
}

/** The byte a silent sample encodes to (0xFF in μ-law, 0xD5 in A-law): what a quiet line carries. */
export function silenceByte(codec: G711Codec): number {
  return codec === 'PCMU' ? alawmulaw.mulaw.encodeSample(0) : alawmulaw.alaw.encodeSample(0);
}
