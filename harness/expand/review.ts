import { readFileSync } from 'node:fs';
import { isMap, isSeq, parseDocument, stringify, type Document, type Scalar, type YAMLMap, type YAMLSeq } from 'yaml';
import { z } from 'zod';
import { ConfigError, type ConfigProblem } from '../errors.ts';
import { displayPath, problem, readYaml, validateWith } from '../config/yaml.ts';
import { styles } from './llm.ts';

// The review file between `harness expand` and the pack: every proposed line
// with accept: false until a researcher says otherwise. --apply writes only
// accepted lines, into the pack's `paraphrases`, through the YAML document so
// the pack keeps its comments, order and layout.

export const reviewSchema = z.strictObject({
  pack: z.string().min(1).describe('The pack file the proposals are for'),
  proposals: z.array(
    z.strictObject({
      case: z.string().min(1),
      turn: z.number().int().min(1).describe('1 for the first turn'),
      say: z.string().min(1).describe('The turn as the pack had it; --apply refuses a turn that changed since'),
      lines: z.array(
        z.strictObject({
          text: z.string().trim().min(1, 'must not be empty — delete the line instead'),
          style: z.enum(styles),
          source: z.string(),
          accept: z.boolean({ error: 'write true or false' }),
        }),
      ),
    }),
  ),
});
export type Review = z.output<typeof reviewSchema>;

export function reviewText(review: Review, reviewFile: string): string {
  const header = [
    `# Paraphrases proposed by harness expand for ${review.pack}.`,
    '# Nothing is in the pack yet. Read each line; set `accept: true` on the ones',
    '# to keep (edit `text` first if it needs a touch), then run:',
    `#   harness expand --apply ${reviewFile}`,
    '',
  ].join('\n');
  return header + stringify(review, { lineWidth: 0 });
}

/** Compare paraphrases as a grader would read them: no spaces or punctuation. */
export const sameText = (a: string, b: string) => fold(a) === fold(b);
const fold = (s: string) => s.normalize('NFKC').replace(/[\p{P}\p{S}\s]/gu, '').toLowerCase();

export interface ApplyResult {
  pack: string;
  added: { case: string; turn: number; text: string }[];
  skipped: { case: string; turn: number; text: string; why: string }[];
  text: string;
}

/** The pack's new text with the review's accepted lines added; every problem as file:line:col. */
export function applyReview(reviewFile: string, packFile: string): ApplyResult {
  const source = readYaml(reviewFile);
  const { value: review, problems } = validateWith(source, reviewSchema);
  if (!review) throw new ConfigError(problems);
  const packText = readFileSync(packFile, 'utf8');
  const doc = parseDocument(packText);
  const cases = doc.get('cases');
  const errors: ConfigProblem[] = [];
  const edits: Edit[] = [];
  const result: ApplyResult = { pack: displayPath(packFile), added: [], skipped: [], text: '' };
  review.proposals.forEach((p, i) => {
    const accepted = p.lines.filter((l) => l.accept);
    if (!accepted.length) return;
    const caseNode = isSeq(cases) ? (cases.items.find((c) => isMap(c) && c.get('id') === p.case) as YAMLMap | undefined) : undefined;
    if (!caseNode) return errors.push(problem(source, ['proposals', i, 'case'], false, `no case "${p.case}" in ${displayPath(packFile)} — was it renamed? Fix the id here or run harness expand again`));
    const turns = caseNode.get('turns');
    const turn = isSeq(turns) ? (turns.items[p.turn - 1] as YAMLMap | undefined) : undefined;
    if (!isMap(turn)) return errors.push(problem(source, ['proposals', i, 'turn'], false, `case "${p.case}" has no turn ${p.turn}`));
    if (turn.get('say') !== p.say) {
      return errors.push(problem(source, ['proposals', i, 'say'], false, `the pack's turn now says "${String(turn.get('say'))}", not "${p.say}" — run harness expand again for the new wording`));
    }
    const list = turn.get('paraphrases', true) as YAMLSeq | undefined;
    const present = [p.say, ...(isSeq(list) ? list.items.map((it) => String((it as Scalar).value ?? it)) : [])];
    const fresh: string[] = [];
    for (const l of accepted) {
      const dup = present.find((x) => sameText(x, l.text));
      if (dup !== undefined) {
        result.skipped.push({ case: p.case, turn: p.turn, text: l.text, why: `already there as "${dup}"` });
        continue;
      }
      present.push(l.text);
      fresh.push(l.text);
      result.added.push({ case: p.case, turn: p.turn, text: l.text });
    }
    if (fresh.length) edits.push(insertion(packText, turn, list, fresh));
  });
  if (errors.length) throw new ConfigError(errors);
  // Edits go into the text where the document says, last first: every other byte of the pack stays as written.
  let text = packText;
  for (const e of edits.sort((a, b) => b.at - a.at)) text = text.slice(0, e.at) + e.insert + text.slice(e.at);
  result.text = text;
  return result;
}

interface Edit {
  at: number;
  insert: string;
}

const scalar = (text: string) => stringify(text, { lineWidth: 0 }).trimEnd();
const lineEnd = (text: string, at: number) => {
  const nl = text.indexOf('\n', at);
  return nl < 0 ? text.length : nl;
};
const lineStart = (text: string, at: number) => text.lastIndexOf('\n', at - 1) + 1;

/** Where and what to insert so the turn's paraphrases end with `lines`, in the list's own style. */
function insertion(text: string, turn: YAMLMap, list: YAMLSeq | undefined, lines: string[]): Edit {
  if (isSeq(list) && list.items.length && list.flow) {
    // [a, b] → [a, b, c]
    const close = text.lastIndexOf(']', list.range![1]);
    let at = close;
    while (at > 0 && /\s/.test(text[at - 1])) at--;
    return { at, insert: lines.map((l) => `, ${scalar(l)}`).join('') };
  }
  if (isSeq(list) && list.items.length) {
    // A block list: new items under the last one, with its indentation.
    const last = list.items[list.items.length - 1] as Scalar;
    const end = lineEnd(text, last.range![1]);
    const itemLine = text.slice(lineStart(text, last.range![0]), last.range![0]);
    const prefix = itemLine.replace(/\S.*$/, '') + '- ';
    return { at: end, insert: lines.map((l) => `\n${prefix}${scalar(l)}`).join('') };
  }
  // No list yet (or an empty one written as []): a block list right after `say`, at the key's indentation.
  const sayPair = turn.items.find((it) => (it.key as Scalar)?.value === 'say')!;
  const key = sayPair.key as Scalar;
  const value = sayPair.value as Scalar;
  const col = key.range![0] - lineStart(text, key.range![0]);
  const pad = ' '.repeat(col);
  const body = `\n${pad}paraphrases:${lines.map((l) => `\n${pad}  - ${scalar(l)}`).join('')}`;
  if (isSeq(list)) {
    // paraphrases: [] → replaced in place would need a deletion; list the lines in flow style instead.
    const open = text.indexOf('[', list.range![0]);
    return { at: open + 1, insert: lines.map(scalar).join(', ') };
  }
  // A block scalar's range ends past its last line break.
  const valueEnd = text[value.range![1] - 1] === '\n' ? value.range![1] - 1 : lineEnd(text, value.range![1]);
  return { at: valueEnd, insert: body };
}

export type { Document };
