import { basename } from 'node:path';

// Config files are UTF-8 (a BOM is fine). Editors on Chinese Windows still save
// GBK/GB18030 or UTF-16 by default; read leniently, such a pack "passes" full of
// mojibake, so anything else is refused with the exact command that converts it.

/** The largest config file read: real packs are 10–20 KB; beyond this is a mistake or an attack (and YAML parsing gets slow). */
export const MAX_CONFIG_BYTES = 1024 * 1024;

export interface EncodingProblem {
  line: number;
  col: number;
  message: string;
}

export function decodeConfig(bytes: Uint8Array, file: string): { text: string } | { problem: EncodingProblem } {
  if (bytes.length > MAX_CONFIG_BYTES) {
    return {
      problem: {
        line: 1,
        col: 1,
        message: `the file is ${mb(bytes.length)} — config files are limited to ${mb(MAX_CONFIG_BYTES)}; split the cases into several packs`,
      },
    };
  }
  const wide = wideEncoding(bytes);
  if (wide) {
    return {
      problem: {
        line: 1,
        col: 1,
        message: `the file is ${wide}, not UTF-8 — convert it: ${iconvLine(wide.startsWith('UTF-16') && !hasBom(bytes) ? wide : wide.replace(/(LE|BE)$/, ''), file)}`,
      },
    };
  }
  const body = hasUtf8Bom(bytes) ? bytes.subarray(3) : bytes;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    const bad = firstInvalidUtf8(body);
    const pos = position(body, bad);
    const shown = hex(body.subarray(bad, bad + 4));
    const gb = asGb18030(body);
    const message = gb
      ? `the file is not UTF-8: it looks like GBK/GB18030 (bytes ${shown} here read as GB18030 "${gb.slice(0, 12)}") — convert it: ${iconvLine('GB18030', file)}`
      : `the file is not UTF-8 (byte ${shown.split(' ')[0]} here is not valid UTF-8) — save it as UTF-8, e.g. ${iconvLine('<its encoding>', file)}`;
    return { problem: { ...pos, message } };
  }
  if (text.includes('\0')) {
    return { problem: { ...position(body, body.indexOf(0)), message: 'the file contains NUL bytes: it is not a text file — save it as UTF-8 text' } };
  }
  const lost = text.indexOf('\uFFFD');
  if (lost >= 0) {
    const before = text.slice(0, lost);
    const line = before.split('\n').length;
    const col = lost - (before.lastIndexOf('\n') + 1) + 1;
    return {
      problem: { line, col, message: 'the text contains U+FFFD "\uFFFD", the mark of characters lost in an earlier encoding conversion — retype the original characters' },
    };
  }
  return { text };
}

function hasUtf8Bom(b: Uint8Array): boolean {
  return b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf;
}

function hasBom(b: Uint8Array): boolean {
  return (b[0] === 0xff && b[1] === 0xfe) || (b[0] === 0xfe && b[1] === 0xff);
}

/** UTF-32 and UTF-16, by byte-order mark or by the zero bytes of ASCII text. */
function wideEncoding(b: Uint8Array): string | undefined {
  if (b[0] === 0xff && b[1] === 0xfe && b[2] === 0 && b[3] === 0) return 'UTF-32LE';
  if (b[0] === 0 && b[1] === 0 && b[2] === 0xfe && b[3] === 0xff) return 'UTF-32BE';
  if (b[0] === 0xff && b[1] === 0xfe) return 'UTF-16LE';
  if (b[0] === 0xfe && b[1] === 0xff) return 'UTF-16BE';
  if (b.length >= 4) {
    const n = Math.min(b.length & ~1, 200);
    let evenZero = 0;
    let oddZero = 0;
    for (let i = 0; i < n; i += 2) {
      if (b[i] === 0) evenZero++;
      if (b[i + 1] === 0) oddZero++;
    }
    // ASCII leaves a zero in every other byte; a CJK character (U+9700 需) may add a stray one.
    if (oddZero > n / 4 && evenZero <= oddZero / 8) return 'UTF-16LE';
    if (evenZero > n / 4 && oddZero <= evenZero / 8) return 'UTF-16BE';
  }
  return undefined;
}

/** The whole file decodes as GB18030 and holds Chinese: a GBK/GB18030 file. */
function asGb18030(b: Uint8Array): string | undefined {
  try {
    const text = new TextDecoder('gb18030', { fatal: true }).decode(b);
    const m = /[\u3400-\u9fff\uff00-\uffef]+/.exec(text);
    return m ? m[0] : undefined;
  } catch {
    return undefined;
  }
}

function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i];
    const n = c < 0x80 ? 0 : c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : -1;
    if (n < 0 || i + n >= b.length + (n ? 0 : 1)) return i;
    for (let k = 1; k <= n; k++) if ((b[i + k] & 0xc0) !== 0x80) return i;
    i += n + 1;
  }
  return Math.max(0, b.length - 1);
}

function position(b: Uint8Array, offset: number): { line: number; col: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    if (b[i] === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  const prefix = Buffer.from(b.subarray(lineStart, offset)).toString('utf8');
  return { line, col: prefix.length + 1 };
}

function hex(b: Uint8Array): string {
  return [...b].map((x) => x.toString(16).toUpperCase().padStart(2, '0')).join(' ');
}

function mb(n: number): string {
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

function shellQuote(s: string): string {
  return /^[\w./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The command that converts `file` to UTF-8 in place. */
export function iconvLine(from: string, file: string): string {
  const tmp = `${basename(file).replace(/\.ya?ml$/, '')}.utf8.yaml`;
  const dir = file.slice(0, file.length - basename(file).length);
  const out = shellQuote(dir + tmp);
  return `iconv -f ${from} -t UTF-8 ${shellQuote(file)} > ${out} && mv ${out} ${shellQuote(file)}`;
}
