// Band-limited resampling (windowed-sinc, Blackman window). Downsampling
// lowers the cut-off to the new Nyquist so speech above 4 kHz does not alias
// into the telephone band.

const HALF_TAPS = 16;

export function resample(input: Int16Array, fromRate: number, toRate: number): Int16Array {
  if (fromRate === toRate || input.length === 0) return input.slice();
  const ratio = toRate / fromRate;
  const outLength = Math.floor(input.length * ratio);
  const out = new Int16Array(outLength);
  const cutoff = Math.min(1, ratio) * 0.95; // fraction of the input Nyquist
  const half = Math.ceil(HALF_TAPS / Math.min(1, ratio));
  for (let n = 0; n < outLength; n++) {
    const centre = n / ratio;
    const first = Math.max(0, Math.ceil(centre - half));
    const last = Math.min(input.length - 1, Math.floor(centre + half));
    let acc = 0;
    let norm = 0;
    for (let k = first; k <= last; k++) {
      const x = k - centre;
      const w = 0.42 + 0.5 * Math.cos((Math.PI * x) / half) + 0.08 * Math.cos((2 * Math.PI * x) / half);
      const arg = Math.PI * x * cutoff;
      const sinc = x === 0 ? 1 : Math.sin(arg) / arg;
      const h = cutoff * sinc * w;
      acc += input[k] * h;
      norm += h;
    }
    const v = norm !== 0 ? acc / norm : 0;
    out[n] = Math.max(-32768, Math.min(32767, Math.round(v)));
  }
  return out;
}
