import { mulberry32, hashSeed } from '../audio/rng.ts';

// The simulated voice: text carried in-band in the audio so that any G.711
// transport (WebSocket media streams, SIP/RTP) carries it unchanged and no
// transport needs to know a run is simulated.
//
// Packet: preamble (16 samples alternating ±28000 in pairs) · 16-bit length ·
// UTF-8 bytes · CRC-16/CCITT, each 4-bit symbol held for two samples at one of
// 16 levels 3200 apart. G.711 (μ-law and A-law) quantisation error is at most
// 512 at these amplitudes, so the nearest level is always the one sent.
// Speech-like noise follows so a voice-activity detector hears an utterance.

const LEVEL_STEP = 3200;
const LEVEL_BASE = -24000;
const SPS = 2; // samples per symbol
const PREAMBLE = [28000, 28000, -28000, -28000, 28000, 28000, -28000, -28000, 28000, 28000, -28000, -28000, 28000, 28000, -28000, -28000];
const PREAMBLE_TOLERANCE = 3000;
const MAX_BYTES = 8192;

function crc16(bytes: Uint8Array): number {
  let crc = 0xffff;
  for (const b of bytes) {
    crc ^= b << 8;
    for (let i = 0; i < 8; i++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

function nibbles(value: number, count: number): number[] {
  const out: number[] = [];
  for (let i = count - 1; i >= 0; i--) out.push((value >> (i * 4)) & 0xf);
  return out;
}

/** Audio (8 kHz PCM) carrying `text`, padded with speech-like noise to at least `minMs`. */
export function modulate(text: string, minMs = 120): Int16Array {
  const bytes = new TextEncoder().encode(text).subarray(0, MAX_BYTES);
  const symbols = [...nibbles(bytes.length, 4)];
  for (const b of bytes) symbols.push(b >> 4, b & 0xf);
  symbols.push(...nibbles(crc16(bytes), 4));
  const body = PREAMBLE.length + symbols.length * SPS;
  const tail = Math.max(480, Math.round((minMs * 8000) / 1000) - body);
  const out = new Int16Array(body + tail);
  out.set(PREAMBLE);
  let at = PREAMBLE.length;
  for (const s of symbols) {
    for (let k = 0; k < SPS; k++) out[at++] = LEVEL_BASE + s * LEVEL_STEP;
  }
  // Syllable-rate (≈5 Hz) modulated noise around -20 dBFS.
  const rand = mulberry32(hashSeed('modem', text));
  for (let i = 0; i < tail; i++) {
    const env = 0.55 + 0.45 * Math.sin((2 * Math.PI * 5 * i) / 8000);
    out[at++] = Math.round((rand() * 2 - 1) * 5000 * env);
  }
  return out;
}

function symbolAt(pcm: Int16Array, at: number): number {
  let sum = 0;
  for (let k = 0; k < SPS; k++) sum += pcm[at + k];
  const level = Math.round((sum / SPS - LEVEL_BASE) / LEVEL_STEP);
  return Math.max(0, Math.min(15, level));
}

function preambleAt(pcm: Int16Array, at: number): boolean {
  for (let k = 0; k < PREAMBLE.length; k++) {
    if (Math.abs(pcm[at + k] - PREAMBLE[k]) > PREAMBLE_TOLERANCE) return false;
  }
  return true;
}

/**
 * Drops runs of digital silence (≥ 40 exact zeros) that a jitter buffer or
 * packet-loss concealment inserted: the modem never sends a zero sample.
 */
function withoutInsertedSilence(pcm: Int16Array): Int16Array {
  const out = new Int16Array(pcm.length);
  let n = 0;
  for (let i = 0; i < pcm.length; ) {
    if (pcm[i] !== 0) {
      out[n++] = pcm[i++];
      continue;
    }
    let j = i;
    while (j < pcm.length && pcm[j] === 0) j++;
    if (j - i < 40) for (let k = i; k < j; k++) out[n++] = 0;
    i = j;
  }
  return out.subarray(0, n);
}

/** Every packet found in the audio, in order (empty when none is intact). */
export function demodulate(audio: Int16Array): string[] {
  const pcm = withoutInsertedSilence(audio);
  const found: string[] = [];
  const decoder = new TextDecoder('utf-8');
  let i = 0;
  while (i + PREAMBLE.length + 8 * SPS <= pcm.length) {
    if (pcm[i] < 28000 - PREAMBLE_TOLERANCE || !preambleAt(pcm, i)) {
      i++;
      continue;
    }
    let at = i + PREAMBLE.length;
    const read = (count: number) => {
      let v = 0;
      for (let k = 0; k < count; k++, at += SPS) v = (v << 4) | symbolAt(pcm, at);
      return v;
    };
    const length = read(4);
    const end = at + (length * 2 + 4) * SPS;
    if (length > MAX_BYTES || end > pcm.length) {
      i++;
      continue;
    }
    const bytes = new Uint8Array(length);
    for (let b = 0; b < length; b++) bytes[b] = read(2);
    if (read(4) !== crc16(bytes)) {
      i++;
      continue;
    }
    found.push(decoder.decode(bytes));
    i = end;
  }
  return found;
}
