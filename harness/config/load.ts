import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { PACKAGE_ROOT } from '../../lib/package-root.ts';
import { ConfigError, HarnessError, type ConfigProblem } from '../errors.ts';
import { bankSchema, type BankProfile } from './bank.ts';
import { envLookup, interpolate, toProblems } from './interpolate.ts';
import { localeSchema, packSchema, type Keypoint, type Locale, type Pack } from './scenario.ts';
import type { PackCache } from './pack-cache.ts';
import { valueAt } from './issues.ts';
import { closest } from './suggest.ts';
import { displayPath, problem, readYaml, validateWith, type SourceFile } from './yaml.ts';

export { PACKAGE_ROOT };

// yaml loads for a --set value only: most runs have none.
const require = createRequire(import.meta.url);

/** A path the user gave, else the same path inside the installed package. */
export function locate(path: string): string {
  if (existsSync(path)) return resolve(path);
  const inPackage = join(PACKAGE_ROOT, path);
  return existsSync(inPackage) ? inPackage : resolve(path);
}

// ---------------------------------------------------------------- packs

/** Load one pack; `source` when the caller has already read the file. */
export function loadPackFile(file: string, source: SourceFile | { problems: ConfigProblem[] } = readYamlSafe(file)): { pack?: Pack; problems: ConfigProblem[] } {
  const { value, problems } = validatePack(source);
  return value === undefined ? { problems } : { pack: resolveKeypoints(value), problems: [] };
}

/** A pack as the schema outputs it (key points still referenced by id), or every problem. */
function validatePack(source: SourceFile | { problems: ConfigProblem[] }): { value?: unknown; problems: ConfigProblem[] } {
  if ('problems' in source) return source;
  const { value, problems } = validateWith(source, packSchema);
  // Cross-checks run on what was written, so a duplicate id shows up together with the schema's problems.
  const known = new Set(problems.map((p) => p.path));
  problems.push(...crossCheck(source).filter((p) => !known.has(p.path)));
  if (problems.length || !value) return { problems: sortProblems(problems) };
  return { value, problems: [] };
}

/** loadPackFile through a cache of validated packs: a file whose bytes were read before is not parsed again. */
function loadPackCached(file: string, cache: PackCache): { pack?: Pack; problems: ConfigProblem[] } {
  // Stored before key points are resolved: a shared key point stays one object when read back.
  const { value, problems } = throughCache(file, cache, 'pack', (bytes) => validatePack(readYamlSafe(file, bytes)));
  return value === undefined ? { problems } : { pack: resolveKeypoints(value), problems: [] };
}

/**
 * `read` of a file through the cache: the entry for the file's bytes if there
 * is one, else `read` of those same bytes (the file is read once, so an edit
 * meanwhile cannot file one version's pack under another's key), kept when it
 * has no problems.
 */
function throughCache<T>(file: string, cache: PackCache, kind: 'pack' | 'locale', read: (bytes?: Buffer) => { value?: T; problems: ConfigProblem[] }): { value?: T; problems: ConfigProblem[] } {
  let bytes: Buffer | undefined;
  try {
    bytes = readFileSync(file);
  } catch {
    // unreadable: `read` says why
  }
  const key = bytes === undefined ? null : cache.key(bytes, kind);
  const hit = key === null ? undefined : cache.get(key);
  if (hit !== undefined) return { value: hit as T, problems: [] };
  const r = read(bytes);
  if (key !== null && r.value !== undefined && !r.problems.length) cache.set(key, r.value);
  return r;
}

/** Duplicate ids and key-point references: what zod cannot see. Tolerates a pack that failed the schema. */
function crossCheck(source: SourceFile): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const data = source.data as any;
  if (!data || typeof data !== 'object') return problems;
  const list = (v: unknown): any[] => (Array.isArray(v) ? v : []);
  const idOf = (v: any): string | undefined => (v && typeof v === 'object' && typeof v.id === 'string' ? v.id : undefined);
  const shared = new Set<string>();
  list(data.keypoints).forEach((k, i) => {
    const id = idOf(k);
    if (id === undefined) return;
    if (shared.has(id)) problems.push(problem(source, ['keypoints', i, 'id'], false, `duplicate key-point id "${id}" — ids must be unique in the pack`));
    shared.add(id);
  });
  const caseIds = new Map<string, number>();
  list(data.cases).forEach((c, ci) => {
    const id = idOf(c);
    if (id !== undefined) {
      if (caseIds.has(id)) problems.push(problem(source, ['cases', ci, 'id'], false, `duplicate case id "${id}" (first used by cases[${caseIds.get(id)}]) — rename one`));
      else caseIds.set(id, ci);
    }
    problems.push(...crossChannelCheck(source, ci, list(c?.turns), list(c?.replies)));
    list(c?.turns).forEach((t, ti) => {
      const seen = new Set<string>();
      list(t?.expect?.keypoints).forEach((k, ki) => {
        const path = ['cases', ci, 'turns', ti, 'expect', 'keypoints', ki];
        const kid = typeof k === 'string' ? k : idOf(k);
        if (typeof k === 'string' && !shared.has(k)) {
          const hint = closest(k, [...shared]);
          const advice = hint ? `did you mean "${hint}"?` : `define it in the pack's top-level keypoints${shared.size ? ` (known: ${[...shared].join(', ')})` : ''}`;
          problems.push(problem(source, path, false, `unknown key-point id "${k}" — ${advice}`));
          return;
        }
        if (kid === undefined) return;
        if (seen.has(kid)) problems.push(problem(source, path, false, `duplicate key-point id "${kid}" in this turn — list each key point once`));
        seen.add(kid);
      });
    });
  });
  return problems;
}

const placeholder = /\{\{\s*([^}]*?)\s*\}\}/g;

/**
 * A cross-channel case: if any turn names its channel, the first must too
 * (else where would the case begin?); every {{name}} must be remembered by
 * an earlier turn, since the value comes from a reply the customer has seen.
 */
function crossChannelCheck(source: SourceFile, ci: number, turns: any[], replies: any[]): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  if (turns.some((t) => typeof t?.on === 'string') && typeof turns[0]?.on !== 'string') {
    problems.push(problem(source, ['cases', ci, 'turns', 0], false, 'a later turn names its channel (`on:`), so the first must too — add `on: web` (or the channel the case starts on)'));
  }
  const remembered = new Set<string>();
  const check = (text: unknown, path: (string | number)[], known: Set<string>) => {
    if (typeof text !== 'string') return;
    for (const m of text.matchAll(placeholder)) {
      const name = m[1];
      if (known.has(name)) continue;
      const hint = closest(name, [...known]);
      const advice = hint ? `did you mean {{${hint}}}?` : `add \`remember: { ${name || 'ticket'}: '<pattern>' }\` to an earlier turn whose reply holds it`;
      problems.push(problem(source, path, false, `{{${name}}} is not remembered by any earlier turn — ${advice}`));
    }
  };
  turns.forEach((t, ti) => {
    const at = ['cases', ci, 'turns', ti];
    check(t?.say, [...at, 'say'], remembered);
    (Array.isArray(t?.paraphrases) ? t.paraphrases : []).forEach((p: unknown, pi: number) => check(p, [...at, 'paraphrases', pi], remembered));
    if (t?.remember && typeof t.remember === 'object') for (const name of Object.keys(t.remember)) remembered.add(name);
  });
  // A scripted reply may be said in any turn; it can use what any turn remembers.
  replies.forEach((r, ri) => check(r?.say, ['cases', ci, 'replies', ri, 'say'], remembered));
  return problems;
}

/** Replace key-point ids by the pack-level key points they name (crossCheck has vouched for every id). */
function resolveKeypoints(parsed: any): Pack {
  const shared = new Map<string, Keypoint>(parsed.keypoints.map((k: Keypoint) => [k.id, k]));
  for (const c of parsed.cases) {
    for (const t of c.turns) t.expect.keypoints = t.expect.keypoints.map((k: string | Keypoint) => (typeof k === 'string' ? shared.get(k)! : k));
  }
  return parsed as Pack;
}

export function sortProblems(problems: ConfigProblem[]): ConfigProblem[] {
  return [...problems].sort((a, b) => (a.file === b.file ? a.line - b.line || a.col - b.col : 0));
}

function readYamlSafe(file: string, bytes?: Buffer): SourceFile | { problems: ConfigProblem[] } {
  try {
    return readYaml(file, bytes);
  } catch (err) {
    if (err instanceof ConfigError) return { problems: err.problems };
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new HarnessError('E_NOFILE', `${file}: no such file`);
    throw err;
  }
}

export interface LoadedPacks {
  packs: Pack[];
  locale: Locale;
  dir: string;
}

/**
 * Every pack of a locale folder (files not starting with "_") and its
 * _locale.yaml; with a cache, packs read before come from it.
 */
export function loadPacks(dir = 'scenarios/zh-CN', cache?: PackCache): LoadedPacks {
  const folder = locate(dir);
  if (!existsSync(folder)) throw new HarnessError('E_NOPACKS', `no scenario folder at ${dir} — pass --scenarios-dir or create scenarios/zh-CN/`);
  const files = yamlFiles(folder).filter((f) => !basename(f).startsWith('_'));
  const problems: ConfigProblem[] = [];
  const packs: Pack[] = [];
  const ids = new Map<string, string>();
  for (const file of files) {
    const r = cache ? loadPackCached(file, cache) : loadPackFile(file);
    problems.push(...r.problems);
    if (!r.pack) continue;
    if (ids.has(r.pack.id)) {
      const src = readYaml(file);
      problems.push(problem(src, ['id'], false, `duplicate pack id "${r.pack.id}" (also in ${ids.get(r.pack.id)})`));
    }
    ids.set(r.pack.id, file);
    packs.push(r.pack);
  }
  const localeFile = join(folder, '_locale.yaml');
  let locale: Locale | undefined;
  if (existsSync(localeFile)) {
    const r = cache ? loadLocaleCached(localeFile, cache) : loadLocaleFile(localeFile);
    problems.push(...r.problems);
    locale = r.locale;
  } else {
    problems.push(missingLocale(folder));
  }
  if (problems.length) throw new ConfigError(problems);
  return { packs: packs.sort((a, b) => a.id.localeCompare(b.id)), locale: locale!, dir: folder };
}

function missingLocale(folder: string): ConfigProblem {
  return {
    file: join(displayPath(folder), '_locale.yaml'),
    line: 0,
    col: 0,
    path: '',
    message: 'missing — every scenario folder needs a _locale.yaml (its fallback and handoff phrases); copy scenarios/zh-CN/_locale.yaml into this folder and adapt it',
  };
}

/** loadLocaleFile through the cache of validated files. */
function loadLocaleCached(file: string, cache: PackCache): { locale?: Locale; problems: ConfigProblem[] } {
  const { value, problems } = throughCache(file, cache, 'locale', (bytes) => {
    const r = loadLocaleFile(file, bytes);
    return { value: r.locale, problems: r.problems };
  });
  return { locale: value, problems };
}

export function loadLocaleFile(file: string, bytes?: Buffer): { locale?: Locale; problems: ConfigProblem[] } {
  const source = readYamlSafe(file, bytes);
  if ('problems' in source) return source;
  const { value, problems } = validateWith(source, localeSchema);
  return { locale: value, problems };
}

// ---------------------------------------------------------------- banks

export interface LoadedBank {
  profile: BankProfile;
  file: string;
  /** The profile as written (placeholders kept): what run.json records. */
  raw: unknown;
}

export function resolveBankFile(bank: string): string {
  if (bank.endsWith('.yaml') || bank.endsWith('.yml') || bank.includes('/')) return locate(bank);
  const file = locate(join('banks', `${bank}.yaml`));
  if (!existsSync(file)) {
    const dir = locate('banks');
    const known = existsSync(dir) ? yamlFiles(dir).map((f) => basename(f, extname(f))) : [];
    throw new HarnessError('E_NOBANK', `no bank profile "${bank}" (looked for banks/${bank}.yaml)${known.length ? ` — known banks: ${known.join(', ')}` : ''}`);
  }
  return file;
}

/** Load a bank profile: YAML → `--set` overrides → ${env:…} → schema. */
export function loadBank(bank: string, set: string[] = []): LoadedBank {
  const file = resolveBankFile(bank);
  const source = readYamlSafe(file);
  if ('problems' in source) throw new ConfigError(source.problems);
  let data = structuredClone(source.data);
  const problems: ConfigProblem[] = [];
  const applied: { flag: string; path: string; value: string }[] = [];
  for (const assignment of set) {
    try {
      data = applySet(data, assignment);
      const eq = assignment.indexOf('=');
      applied.push({ flag: `--set ${assignment}`, path: assignment.slice(0, eq), value: assignment.slice(eq + 1) });
    } catch (err) {
      if (!(err instanceof SetError)) throw err;
      problems.push({ file: `--set ${assignment}`, line: 0, col: 0, path: '', message: err.message });
    }
  }
  const env = interpolate(data, ['env'], envLookup);
  problems.push(...toProblems(source.file, (p) => source.at(p), env));
  const { value, problems: schemaProblems } = validateWith(source, bankSchema, env.value);
  problems.push(...schemaProblems.map((p) => blameSet(p, applied, source)));
  if (problems.length || !value) throw new ConfigError(problems);
  return { profile: value as BankProfile, file, raw: data };
}

class SetError extends Error {}

/** `channels.hotline.speech.asr.cer=0.1`: a dot-path override, the value parsed as YAML. */
export function applySet(data: unknown, assignment: string): unknown {
  const eq = assignment.indexOf('=');
  if (eq < 1) throw new SetError('write it as path.to.key=value, e.g. --set channels.api.url=http://127.0.0.1:8080/chat');
  const path = assignment.slice(0, eq).split('.');
  if (path.some((seg) => !seg)) throw new SetError(`"${assignment.slice(0, eq)}" has an empty part — write keys joined by single dots`);
  let value: unknown;
  try {
    value = (require('yaml') as typeof import('yaml')).parse(assignment.slice(eq + 1));
  } catch (err) {
    throw new SetError(`the value is not valid YAML (${(err as Error).message.split('\n')[0].replace(/:$/, '')}) — quote it: --set '${assignment.slice(0, eq)}="…"'`);
  }
  const root: any = data && typeof data === 'object' ? data : {};
  let node = root;
  for (let i = 0; i < path.length - 1; i++) {
    const seg = path[i];
    if (node[seg] == null) node[seg] = {};
    else if (typeof node[seg] !== 'object') {
      const at = path.slice(0, i + 1).join('.');
      throw new SetError(`${at} is ${JSON.stringify(node[seg])} in the profile, not a map — set ${at} itself, or check the path`);
    }
    node = node[seg];
  }
  node[path[path.length - 1]] = value;
  return root;
}

/** A problem on a path a `--set` wrote is that flag's doing, not the file's. */
function blameSet(p: ConfigProblem, applied: { flag: string; path: string; value: string }[], source: SourceFile): ConfigProblem {
  const norm = (s: string) => s.replace(/\[(\d+)\]/g, '.$1');
  const segments = (s: string) => s.split('.').map((seg) => (/^\d+$/.test(seg) ? Number(seg) : seg));
  const at = norm(p.path);
  for (const { flag, path, value } of [...applied].reverse()) {
    const set = norm(path);
    const inside = at === set || at.startsWith(set + '.');
    // A map the flag created (e.g. a misspelt key on its way): the file never had it.
    const created = set.startsWith(at + '.') && !source.has(segments(at));
    if (!inside && !created) continue;
    const key = at.split('.').pop()!;
    const parts = path.split('.');
    const flagWith = (i: number, seg: string) => `--set ${[...parts.slice(0, i), seg, ...parts.slice(i + 1)].join('.')}=${value}`;
    let message = p.message.replace(`write ${key}: `, `write --set ${path}=`).replace(`did you mean ${key}: `, `did you mean --set ${path}=`);
    const misspelt = /unknown key "([^"]+)" — did you mean "([^"]+)"\?/.exec(message);
    if (misspelt && parts.indexOf(misspelt[1]) >= 0) {
      message = message.replace(`did you mean "${misspelt[2]}"?`, `did you mean ${flagWith(parts.indexOf(misspelt[1]), misspelt[2])}?`);
    } else if (created) {
      // The first part of the flag's path the profile does not have, e.g. a misspelt channel name.
      const i = parts.findIndex((_, n) => !source.has(segments(parts.slice(0, n + 1).join('.'))));
      const parent = valueAt(source.data, segments(parts.slice(0, i).join('.')));
      const hint = parent && typeof parent === 'object' ? closest(parts[i], Object.keys(parent)) : undefined;
      if (hint) message = `the profile has no "${parts.slice(0, i + 1).join('.')}" — did you mean ${flagWith(i, hint)}? (as written: ${message})`;
    }
    return { file: flag, line: 0, col: 0, path: p.path, message };
  }
  return p;
}

// ---------------------------------------------------------------- validate

/** Validate any mix of pack, locale and bank files or folders; returns every problem. */
export function validatePaths(paths: string[]): { files: number; problems: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  let files = 0;
  for (const p of paths) {
    const target = locate(p);
    if (!existsSync(target)) {
      problems.push({ file: p, line: 0, col: 0, path: '', message: 'no such file or folder — check the path' });
      continue;
    }
    const list = statSync(target).isDirectory() ? yamlFiles(target, true) : [target];
    const packIds = new Map<string, string>();
    const packDirs = new Set<string>();
    for (const file of list) {
      files++;
      const name = basename(file);
      if (name.startsWith('_locale')) {
        problems.push(...loadLocaleFile(file).problems);
        continue;
      }
      const source = basename(dirname(file)) === 'banks' ? undefined : readYamlSafe(file);
      if (!source || isBankData(source)) {
        try {
          loadBank(file);
        } catch (err) {
          if (err instanceof ConfigError) problems.push(...err.problems);
          else throw err;
        }
      } else {
        const r = loadPackFile(file, source);
        problems.push(...r.problems);
        if (!('problems' in source) || !looksLikeBank(file)) packDirs.add(dirname(file));
        if (r.pack) {
          const dup = packIds.get(`${dirname(file)}:${r.pack.id}`);
          if (dup) problems.push(problem(readYaml(file), ['id'], false, `duplicate pack id "${r.pack.id}" (also in ${dup})`));
          packIds.set(`${dirname(file)}:${r.pack.id}`, file);
        }
      }
    }
    // `run` reads a folder's packs together with its _locale.yaml: a folder without one cannot run.
    for (const dir of packDirs) if (!existsSync(join(dir, '_locale.yaml'))) problems.push(missingLocale(dir));
  }
  return { files, problems };
}

/** For a file that did not parse: does its text read like a profile rather than a pack? */
function looksLikeBank(file: string): boolean {
  const text = readFileSync(file, 'latin1');
  return /^channels\s*:/m.test(text) && !/^cases\s*:/m.test(text);
}

/** A profile has channels and no cases; everything else is treated as a pack. */
function isBankData(source: SourceFile | { problems: ConfigProblem[] }): boolean {
  if ('problems' in source) return false;
  const data = source.data as Record<string, unknown> | null;
  return !!data && typeof data === 'object' && 'channels' in data && !('cases' in data);
}

function yamlFiles(dir: string, recursive = false): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (recursive && !entry.name.startsWith('.') && entry.name !== 'node_modules') out.push(...yamlFiles(full, true));
    } else if (/\.ya?ml$/.test(entry.name)) out.push(full);
  }
  return out;
}
