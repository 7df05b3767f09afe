import { pinyin } from 'pinyin-pro';
import { mulberry32 } from '../audio/rng.ts';

// A seeded, calibrated ASR-error channel for offline runs: at a character
// error rate `cer`, a Chinese character is replaced by a common homophone
// (same toneless pinyin: 挂失 → 挂湿) or dropped, the two errors speech
// recognisers make most on telephone audio. Same text + seed → same output.

const CJK = /[\u4e00-\u9fff]/;
const COUNTED = /[\p{L}\p{N}]/u;

let homophones: Map<string, string[]> | null = null;

/** GB2312 level-1 characters: the 3755 most common hanzi, in pinyin order. */
export function commonCharacters(): string[] {
  const bytes: number[] = [];
  for (let hi = 0xb0; hi <= 0xd7; hi++) {
    for (let lo = 0xa1; lo <= 0xfe; lo++) {
      if (hi === 0xd7 && lo > 0xf9) break;
      bytes.push(hi, lo);
    }
  }
  return [...new TextDecoder('gb18030').decode(new Uint8Array(bytes))];
}

export function syllable(char: string): string {
  return pinyin(char, { toneType: 'none', type: 'array' })[0] ?? char;
}

function table(): Map<string, string[]> {
  if (homophones) return homophones;
  const map = new Map<string, string[]>();
  for (const ch of commonCharacters()) {
    const py = syllable(ch);
    const list = map.get(py);
    if (list) list.push(ch);
    else map.set(py, [ch]);
  }
  homophones = map;
  return map;
}

/** Common characters that sound like `char` (toneless), `char` itself excluded. */
export function homophonesOf(char: string): string[] {
  return (table().get(syllable(char)) ?? []).filter((c) => c !== char);
}

export interface AsrErrorOptions {
  cer: number;
  seed: number;
  /** Share of errors that are substitutions (the rest are deletions). */
  substitutionShare?: number;
}

export function applyAsrErrors(text: string, opts: AsrErrorOptions): string {
  if (opts.cer <= 0) return text;
  const rand = mulberry32(opts.seed);
  const subShare = opts.substitutionShare ?? 0.7;
  let out = '';
  for (const ch of text) {
    if (!COUNTED.test(ch) || rand() >= opts.cer) {
      out += ch;
      continue;
    }
    if (CJK.test(ch) && rand() < subShare) {
      const alts = homophonesOf(ch);
      if (alts.length > 0) {
        out += alts[Math.floor(rand() * alts.length)];
        continue;
      }
    }
    // deletion
  }
  return out;
}

/** Character error rate: edit distance over the counted characters of the reference. */
export function characterErrorRate(reference: string, hypothesis: string): number {
  const ref = [...reference].filter((c) => COUNTED.test(c));
  const hyp = [...hypothesis].filter((c) => COUNTED.test(c));
  if (ref.length === 0) return hyp.length === 0 ? 0 : 1;
  let prev = Array.from({ length: hyp.length + 1 }, (_, j) => j);
  for (let i = 1; i <= ref.length; i++) {
    const cur = [i];
    for (let j = 1; j <= hyp.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ref[i - 1] === hyp[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[hyp.length] / ref.length;
}
