// Band-limited resampling (windowed-sinc, Blackman window). Downsampling
// lowers the cut-off to the new Nyquist so speech above 4 kHz does not alias
// into the telephone band. The kernel is tabulated (256 steps a sample,
// linearly interpolated) so a minute of audio resamples in well under a second.

const HALF_TAPS = 16;
const STEPS = 256;

function kernelTable(half: number, cutoff: number): Float64Array {
  const table = new Float64Array(half * STEPS + 2);
  for (let i = 0; i < table.length; i++) {
    const x = i / STEPS;
    if (x >= half) break;
    const w = 0.42 + 0.5 * Math.cos((Math.PI * x) / half) + 0.08 * Math.cos((2 * Math.PI * x) / half);
    const arg = Math.PI * x * cutoff;
    table[i] = cutoff * (x === 0 ? 1 : Math.sin(arg) / arg) * w;
  }
  return table;
}

export function resample(input: Int16Array, fromRate: number, toRate: number): Int16Array {
  if (fromRate === toRate || input.length === 0) return input.slice();
  const ratio = toRate / fromRate;
  const outLength = Math.floor(input.length * ratio);
  const out = new Int16Array(outLength);
  const cutoff = Math.min(1, ratio) * 0.95; // fraction of the input Nyquist
  const half = Math.ceil(HALF_TAPS / Math.min(1, ratio));
  const table = kernelTable(half, cutoff);
  for (let n = 0; n < outLength; n++) {
    const centre = n / ratio;
    const first = Math.max(0, Math.ceil(centre - half));
    const last = Math.min(input.length - 1, Math.floor(centre + half));
    let acc = 0;
    let norm = 0;
    for (let k = first; k <= last; k++) {
      const pos = Math.abs(k - centre) * STEPS;
      const i = pos | 0;
      const frac = pos - i;
      const h = table[i] + (table[i + 1] - table[i]) * frac;
      acc += input[k] * h;
      norm += h;
    }
    const v = norm !== 0 ? acc / norm : 0;
    out[n] = v > 32767 ? 32767 : v < -32768 ? -32768 : Math.round(v);
  }
  return out;
}
