import { existsSync, renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { loadPackFile, locate } from '../config/load.ts';
import { displayPath, readYaml } from '../config/yaml.ts';
import { ConfigError, EXIT, HarnessError } from '../errors.ts';
import { homophoneTypos, traditional } from '../expand/offline.ts';
import { llmParaphrases, styles, type Style } from '../expand/llm.ts';
import { applyReview, reviewText, sameText, type Review } from '../expand/review.ts';
import { openEndpoint } from '../grade/llm/endpoint.ts';
import { closest } from '../config/suggest.ts';

const suggest = (word: string, from: string[]) => {
  const near = closest(word, from);
  return near ? ` (did you mean ${near}?)` : '';
};

// harness expand <pack>: proposes paraphrases of a pack's questions into a
// review file, never into the pack; harness expand --apply <review> writes
// the lines a researcher accepted.

export interface ExpandOptions {
  pack?: string;
  cases?: string[];
  out?: string;
  styles?: string[];
  perStyle?: number;
  offline?: boolean;
  judgeUrl?: string;
  judgeModel?: string;
  force?: boolean;
  apply?: string;
  scenariosDir?: string;
  log?: (line: string) => void;
}

export interface ExpandResult {
  exitCode: number;
  file: string;
  lines: number;
}

/** A pack id in the scenario folder, or a path to a pack file. */
function packFile(pack: string, dir: string): string {
  if (/\.ya?ml$/.test(pack) || pack.includes('/')) {
    const file = resolve(pack);
    if (!existsSync(file)) throw new HarnessError('E_USAGE', `${pack}: no such pack file`);
    return file;
  }
  const file = join(locate(dir), `${pack}.yaml`);
  if (!existsSync(file)) throw new HarnessError('E_USAGE', `no pack "${pack}" in ${dir} (looked for ${displayPath(file)}) — pass a pack id from that folder or a path to a pack file`);
  return file;
}

export async function expandCommand(o: ExpandOptions): Promise<ExpandResult> {
  const log = o.log ?? ((l: string) => process.stderr.write(l + '\n'));
  if (o.apply) return apply(o.apply, log);
  if (!o.pack) throw new HarnessError('E_USAGE', 'harness expand needs a pack (an id in the scenario folder or a pack file), or --apply <review.yaml>');
  const file = packFile(o.pack, o.scenariosDir ?? 'scenarios/zh-CN');
  const { pack, problems } = loadPackFile(file);
  if (!pack) throw new ConfigError(problems);

  const wanted = (o.styles ?? [...styles]).map((s) => {
    if (!(styles as readonly string[]).includes(s)) throw new HarnessError('E_USAGE', `--styles ${s}: unknown style${suggest(s, [...styles])} — choose from ${styles.join(', ')}`);
    return s as Style;
  });
  let cases = pack.cases;
  if (o.cases?.length) {
    const ids = pack.cases.map((c) => c.id);
    for (const id of o.cases) if (!ids.includes(id)) throw new HarnessError('E_USAGE', `--case ${id}: no such case in ${pack.id}${suggest(id, ids)} — cases: ${ids.join(', ')}`);
    cases = pack.cases.filter((c) => o.cases!.includes(c.id));
  }

  const endpoint = o.offline ? null : openEndpoint({ baseURL: o.judgeUrl, model: o.judgeModel });
  if (!o.offline && !endpoint) log('no LLM endpoint (--judge-url, OPENAI_BASE_URL or OPENAI_API_KEY): offline proposals only (typos by pinyin, traditional script)');
  const out = resolve(o.out ?? `${pack.id}.review.yaml`);
  if (existsSync(out) && !o.force) throw new HarnessError('E_USAGE', `${displayPath(out)} exists and may hold a review in progress — apply it (harness expand --apply ${displayPath(out)}), pass another --out, or --force to replace it`);

  const review: Review = { pack: displayPath(file), proposals: [] };
  let count = 0;
  for (const c of cases) {
    for (const [index, turn] of c.turns.entries()) {
      const lines: Review['proposals'][number]['lines'] = [];
      const taken = [turn.say, ...turn.paraphrases];
      const add = (style: Style, text: string, source: string) => {
        if (taken.some((t) => sameText(t, text))) return;
        taken.push(text);
        lines.push({ text, style, source, accept: false });
      };
      if (endpoint) {
        const llmStyles = wanted;
        const proposals = await llmParaphrases(endpoint, {
          scenario: { name: pack.name, description: pack.intent.description },
          question: turn.say,
          existing: turn.paraphrases,
          styles: llmStyles,
          perStyle: o.perStyle ?? 2,
        });
        for (const p of proposals) add(p.style, p.text, `llm ${endpoint.model}`);
      }
      if (wanted.includes('typo')) for (const t of homophoneTypos(turn.say)) add('typo', t, 'offline pinyin');
      if (wanted.includes('traditional')) for (const t of traditional(turn.say)) add('traditional', t, 'offline opencc');
      if (!lines.length) continue;
      review.proposals.push({ case: c.id, turn: index + 1, say: turn.say, lines });
      count += lines.length;
    }
  }
  const tmp = join(dirname(out), `.${basename(out)}.${process.pid}.tmp`);
  writeFileSync(tmp, reviewText(review, displayPath(out)));
  renameSync(tmp, out);
  log(`${displayPath(out)}: ${count} proposed paraphrases for ${review.proposals.length} turns of ${pack.id}; set accept: true on the keepers, then harness expand --apply ${displayPath(out)}`);
  return { exitCode: EXIT.ok, file: out, lines: count };
}

function apply(reviewFile: string, log: (l: string) => void): ExpandResult {
  const file = resolve(reviewFile);
  if (!existsSync(file)) throw new HarnessError('E_USAGE', `${reviewFile}: no such review file — make one with harness expand <pack>`);
  // The pack path is relative to where expand ran; try it from here, then beside the review file.
  const named = readPackField(file);
  const candidates = isAbsolute(named) ? [named] : [resolve(named), resolve(dirname(file), named)];
  const pack = candidates.find((p) => existsSync(p));
  if (!pack) throw new HarnessError('E_USAGE', `${reviewFile}: its pack ${named} is not there (looked at ${candidates.map(displayPath).join(', ')}) — run --apply from the folder expand ran in, or fix pack:`);
  const result = applyReview(file, pack);
  if (result.added.length) {
    // Check the pack as it would be before writing it: a pack that stops loading is never written.
    const tmp = join(dirname(pack), `.${basename(pack)}.${process.pid}.tmp`);
    writeFileSync(tmp, result.text);
    const check = loadPackFile(tmp);
    if (!check.pack) {
      renameSync(tmp, `${tmp}.rejected`);
      throw new ConfigError(check.problems);
    }
    renameSync(tmp, pack);
  }
  for (const s of result.skipped) log(`skipped ${s.case} turn ${s.turn} "${s.text}": ${s.why}`);
  log(`${result.pack}: ${result.added.length} paraphrases added${result.skipped.length ? `, ${result.skipped.length} skipped` : ''}`);
  return { exitCode: EXIT.ok, file: pack, lines: result.added.length };
}

/** The review file's `pack:` (read as YAML: quoting, comments and flow style as any editor leaves them). */
function readPackField(file: string): string {
  const data = readYaml(file).data as { pack?: unknown } | null;
  const pack = data && typeof data === 'object' ? data.pack : undefined;
  if (typeof pack !== 'string' || !pack.trim()) throw new HarnessError('E_USAGE', `${displayPath(file)}: no pack: line — is this a review file made by harness expand?`);
  return pack.trim();
}
