import { gaussian, mulberry32 } from './rng.ts';

// Telephony conditioning of the caller's audio: the 300–3400 Hz telephone
// band (second-order high-pass and low-pass biquads, RBJ cookbook) and white
// noise at a set signal-to-noise ratio, seeded so a rerun sends the same audio.

export interface ConditioningOptions {
  /** Signal-to-noise ratio in dB; omit for no noise. */
  snrDb?: number;
  band: boolean;
  seed: number;
  rate?: number;
}

type Biquad = { b0: number; b1: number; b2: number; a1: number; a2: number };

function biquad(kind: 'lowpass' | 'highpass', f0: number, rate: number, q = Math.SQRT1_2): Biquad {
  const w0 = (2 * Math.PI * f0) / rate;
  const alpha = Math.sin(w0) / (2 * q);
  const cos = Math.cos(w0);
  const a0 = 1 + alpha;
  const b1 = kind === 'lowpass' ? 1 - cos : -(1 + cos);
  const b0 = kind === 'lowpass' ? (1 - cos) / 2 : (1 + cos) / 2;
  return { b0: b0 / a0, b1: b1 / a0, b2: b0 / a0, a1: (-2 * cos) / a0, a2: (1 - alpha) / a0 };
}

function filter(x: Float64Array, f: Biquad): Float64Array {
  const y = new Float64Array(x.length);
  let x1 = 0, x2 = 0, y1 = 0, y2 = 0;
  for (let n = 0; n < x.length; n++) {
    const v = f.b0 * x[n] + f.b1 * x1 + f.b2 * x2 - f.a1 * y1 - f.a2 * y2;
    x2 = x1; x1 = x[n]; y2 = y1; y1 = v;
    y[n] = v;
  }
  return y;
}

export function condition(pcm: Int16Array, opts: ConditioningOptions): Int16Array {
  const rate = opts.rate ?? 8000;
  let x: Float64Array = Float64Array.from(pcm);
  if (opts.band) {
    x = filter(filter(x, biquad('highpass', 300, rate)), biquad('lowpass', Math.min(3400, rate * 0.45), rate));
  }
  if (opts.snrDb !== undefined && x.length > 0) {
    let power = 0;
    for (const v of x) power += v * v;
    power /= x.length;
    const noiseRms = Math.sqrt(power / 10 ** (opts.snrDb / 10));
    const rand = mulberry32(opts.seed);
    for (let n = 0; n < x.length; n++) x[n] += noiseRms * gaussian(rand);
  }
  const out = new Int16Array(x.length);
  for (let n = 0; n < x.length; n++) out[n] = Math.max(-32768, Math.min(32767, Math.round(x[n])));
  return out;
}
