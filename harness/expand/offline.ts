import { createHash } from 'node:crypto';
import * as OpenCC from 'opencc-js/cn2t';
import { pinyin } from 'pinyin-pro';
import { homophonesOf } from '../../lib/telephony/simulated/asr-errors.ts';
import { mulberry32 } from '../../lib/telephony/audio/rng.ts';

// Paraphrases made without a model: the typos an input method makes (a
// character swapped for a common one of the same toneless pinyin: 挂失 →
// 挂湿) and the question in traditional script, as customers in Hong Kong,
// Macau and Taiwan type it. Same question → same proposals.

const CJK = /[\u4e00-\u9fff]/;
const toTraditional = OpenCC.Converter({ from: 'cn', to: 'tw' });

/** Function words whose misspelling no customer would make or notice. */
const KEEP = new Set('的了吗呢吧啊么我你您是在有和与及或');

/** Same syllable and tone: the candidates an input method shows first for what was typed. */
function sameSound(c: string): string[] {
  const toned = (x: string) => pinyin(x, { toneType: 'num', type: 'array' })[0];
  return homophonesOf(c).filter((h) => toned(h) === toned(c));
}

function seedOf(text: string): number {
  return createHash('sha1').update(text).digest().readUInt32LE(0);
}

/** Up to `count` variants, each with one character replaced by a homophone at a different place. */
export function homophoneTypos(text: string, count = 2): string[] {
  const chars = [...text];
  const places = chars.map((c, i) => ({ c, i })).filter(({ c }) => CJK.test(c) && !KEEP.has(c) && sameSound(c).length > 0);
  const rand = mulberry32(seedOf(text));
  const out: string[] = [];
  while (out.length < count && places.length) {
    const [{ c, i }] = places.splice(Math.floor(rand() * places.length), 1);
    const alts = sameSound(c);
    const next = [...chars];
    next[i] = alts[Math.floor(rand() * alts.length)];
    out.push(next.join(''));
  }
  return out;
}

/** The question in traditional script (Taiwan standard); none when nothing changes. */
export function traditional(text: string): string[] {
  const t = toTraditional(text);
  return t === text ? [] : [t];
}
