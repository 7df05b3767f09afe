// Transcripts pass through a redactor before they are stored: bank-card
// numbers, ID-card numbers and mobile numbers, and any secret from the
// environment that a bot might echo back.

export type Redactor = (text: string) => string;

const RULES: [RegExp, string][] = [
  // 18-digit resident ID (last may be X)
  [/(?<!\d)(\d{6})(\d{8})(\d{3}[\dXx])(?!\d)/g, '$1********$3'],
  // bank cards: 16–19 digits, possibly grouped by spaces or dashes
  [/(?<!\d)(\d{4})(?:[ -]?\d){8,11}([ -]?\d{4})(?!\d)/g, '$1 **** $2'],
  // mainland mobile numbers
  [/(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)/g, '$1****$2'],
];

export function createRedactor(secrets: string[] = []): Redactor {
  const escaped = secrets.filter((s) => s.length >= 4).map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const secretRe = escaped.length ? new RegExp(escaped.join('|'), 'g') : undefined;
  return (text) => {
    if (!text) return text;
    let out = text;
    if (secretRe) out = out.replace(secretRe, '[secret]');
    // Every rule needs 11 digits or more: most texts have fewer, and are let through without a copy.
    if (digits(out) < 11 || !/\d{11}/.test(out.replace(/[ -]/g, ''))) return out;
    for (const [re, rep] of RULES) out = out.replace(re, rep);
    return out;
  };
}

function digits(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length && n < 11; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) n++;
  }
  return n;
}
