// Text helpers of the demo brain: what a simple production FAQ bot does to a
// message before matching, and how it splits a long answer into bubbles.

const PUNCT = /[\s\p{P}\p{S}]+/gu;

/** NFKC, lower case, no punctuation or spaces. No traditional→simplified: the demo bot does not know it. */
export function clean(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(PUNCT, '');
}

const SENTENCE_END = /(?<=[。！？；!?;])/u;
const MAX_PART = 60;

/** Split at sentence boundaries into bubbles of at most ~60 characters. */
export function splitParts(text: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (const sentence of text.split(SENTENCE_END)) {
    if (!sentence) continue;
    if (current && current.length + sentence.length > MAX_PART) {
      parts.push(current);
      current = sentence;
    } else {
      current += sentence;
    }
  }
  if (current) parts.push(current);
  return parts;
}
