import { decodeHTML } from 'entities';

// Bank bots send rich text: HTML from web widgets (`正式<a>挂失</a>`), Markdown
// from newer LLM-backed bots (`**挂失**`), entities (`&nbsp;`). The grader
// reads the text a customer sees; the raw reply stays in the record as evidence.

const BLOCK = /^(?:br|p|div|li|ul|ol|tr|table|h[1-6]|section|article|blockquote|hr|dd|dt)$/i;
const DROP_CONTENT = /<(script|style|template|noscript|head)\b[^>]*>[\s\S]*?<\/\1\s*>/gi;
/** A tag with its attributes, quoted values included (a `>` inside quotes does not end it). */
const TAG = /<\/?([a-zA-Z][\w:-]*)(?:\s+(?:[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'>]+))?)|\s*\/)*\s*>/g;
const COMMENT = /<!--[\s\S]*?-->/g;

const cache = new Map<string, string>();
const CACHE_LIMIT = 20_000;

/** Does the text carry markup worth stripping (fast path: most replies are plain). */
function mayHaveMarkup(text: string): boolean {
  return /[<&*_`#\[]|^\s*[-+>]\s/m.test(text);
}

function stripHtml(text: string): string {
  return text
    .replace(COMMENT, '')
    .replace(DROP_CONTENT, '')
    .replace(TAG, (_, name: string) => (BLOCK.test(name) ? '\n' : ''));
}

function stripMarkdown(text: string): string {
  return (
    text
      // images carry no text a customer reads; links keep their words
      .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
      .replace(/\[([^\]]+)\]\((?:[^)(]|\([^)]*\))*\)/g, '$1')
      .replace(/```[a-z]*\n?|```/g, '')
      .replace(/`([^`]+)`/g, '$1')
      .replace(/(\*\*|__)(?=\S)([\s\S]*?\S)\1/g, '$2')
      .replace(/(^|[^*\w])\*(?=\S)([^*\n]*?\S)\*(?!\*)/g, '$1$2')
      .replace(/~~(?=\S)([\s\S]*?\S)~~/g, '$1')
      .replace(/^\s{0,3}#{1,6}\s+/gm, '')
      .replace(/^\s{0,3}>\s?/gm, '')
      // bullets ("- ", "* ", "+ ") become plain lines; numbered items stay numbered
      .replace(/^\s*[-*+]\s+/gm, '')
      .replace(/^\s*([-*_])(?:\s*\1){2,}\s*$/gm, '')
      .replace(/^\|(.*)\|\s*$/gm, (_, row: string) => row.split('|').map((c) => c.trim()).join(' '))
  );
}

/** The text of a reply as a customer reads it: no HTML, Markdown or entities. */
export function plainText(text: string): string {
  if (!text || !mayHaveMarkup(text)) return text ?? '';
  const hit = cache.get(text);
  if (hit !== undefined) return hit;
  // Escaped markup (`&lt;b&gt;`) decodes to tags: strip those too.
  let out = stripHtml(text);
  out = decodeHTML(out);
  if (/<[a-zA-Z/!]/.test(out)) out = stripHtml(out);
  out = stripMarkdown(out)
    .replace(/[ \t\u00a0]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(text, out);
  return out;
}

/** The reply carried markup (the report shows the raw reply as evidence). */
export function hadMarkup(text: string): boolean {
  return plainText(text) !== (text ?? '').trim();
}
