import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';
import type { Document, LineCounter, Node, YAMLError } from 'yaml';
import jsyaml from 'js-yaml';
import type { z } from 'zod';
import { ConfigError, type ConfigProblem } from '../errors.ts';
import { decodeConfig } from './encoding.ts';
import { issueProblems } from './issues.ts';

const require = createRequire(import.meta.url);
let yamlLib: typeof Yaml | undefined;
/** yaml (the full reader, which knows where every node is) loads on the first file that needs it: a plain file is read without it. */
const Y = (): typeof Yaml => (yamlLib ??= require('yaml') as typeof Yaml);

/** A parsed YAML file that can point at any of its values by path. */
export interface SourceFile {
  file: string;
  doc: Document;
  data: unknown;
  at(path: PropertyKey[], key?: boolean): { line: number; col: number };
  /** Whether `path` names a node written in the file (not one added later, e.g. by --set). */
  has(path: PropertyKey[]): boolean;
  /** The scalar at `path` as written (`001`, not 1), if there is one. */
  raw(path: PropertyKey[]): string | undefined;
}

/** Values an alias may expand to in one file: well past any real pack, far below a "billion laughs". */
export const MAX_ALIAS_EXPANSION = 10_000;

export function displayPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel.startsWith('..') ? file : rel;
}

/**
 * Read and parse a config file. Throws a ConfigError listing every problem the
 * YAML layer can see: encoding, size, syntax, unknown tags, aliases.
 */
export function readYaml(file: string, source?: string | Buffer): SourceFile {
  const shown = displayPath(file);
  let text: string;
  if (typeof source === 'string') text = source;
  else {
    // The bytes when the caller has read them already (the pack cache hashed them): one read, one version of the file.
    const decoded = decodeConfig(source ?? readFileSync(file), shown);
    if ('problem' in decoded) throw new ConfigError([{ file: shown, path: '', ...decoded.problem }]);
    text = decoded.text;
  }
  const deep = tooDeep(text);
  if (deep !== undefined) {
    const p = new (Y().LineCounter)();
    p.addNewLine(0);
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) p.addNewLine(i + 1);
    throw new ConfigError([{ file: shown, ...p.linePos(deep), path: '', message: `brackets nested more than ${MAX_FLOW_DEPTH} deep here — look for a run of unclosed [ or {` }]);
  }
  const fast = readPlain(shown, text);
  if (fast) return fast;
  return readDocument(shown, text);
}

/** The full reader: yaml's Document, which knows where every node is, and every check. */
function readDocument(shown: string, text: string): SourceFile {
  const lineCounter = new (Y().LineCounter)();
  // `<<: *defaults` merge keys are a common YAML idiom; the alias check below bounds them too.
  let doc: Document;
  try {
    doc = Y().parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, merge: true });
  } catch (err) {
    throw new ConfigError([{ file: shown, ...unreadable(err, text, lineCounter) }]);
  }
  const pos = (offset: number) => lineCounter.linePos(offset);
  const problems: ConfigProblem[] = [];
  const seen = new Set<number>();
  for (const e of [...doc.errors, ...doc.warnings]) {
    const { offset, message } = describeYamlError(e, doc, text);
    const p = pos(offset);
    if (seen.has(p.line)) continue; // one problem per line: later ones are echoes of the first
    seen.add(p.line);
    problems.push({ file: shown, line: p.line, col: p.col, path: '', message });
  }
  if (!problems.length) {
    for (const a of [...nodeProblems(doc, text), ...aliasProblems(doc)]) problems.push({ file: shown, ...pos(a.offset), path: '', message: a.message });
  }
  if (problems.length) throw new ConfigError(problems.sort((a, b) => a.line - b.line || a.col - b.col));
  const at = (path: PropertyKey[], key = false) => {
    const node = nodeAt(doc, path, key).node;
    const p = pos(node?.range?.[0] ?? 0);
    return { line: p.line, col: p.col };
  };
  const has = (path: PropertyKey[]) => nodeAt(doc, path, false).exact;
  const raw = (path: PropertyKey[]) => {
    const { node, exact } = nodeAt(doc, path, false);
    return exact && Y().isScalar(node) && node.range ? text.slice(node.range[0], node.range[1]) : undefined;
  };
  // The alias check above bounds the expansion, so yaml's own (much stricter) count can go.
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: -1 });
  } catch (err) {
    throw new ConfigError([{ file: shown, ...unreadable(err, text, lineCounter) }]);
  }
  return { file: shown, doc, data, at, has, raw };
}

// The fast reader. yaml's Document costs ~0.3 ms per case of a pack (a
// 2,000-case pack: most of a run's start); js-yaml reads the same plain YAML
// several times faster. It reads a file only when nothing in it needs the
// checks of the full reader (anchors, aliases, merges, tags, directives,
// complex keys, tabs) and resolves plain scalars exactly as yaml's core
// schema does; on any doubt or error the full reader reads the file and says
// where. Positions (for schema problems) come from a Document parsed on first
// use.

const coreType = (tag: string, test: RegExp, construct: (s: string) => unknown) =>
  new jsyaml.Type(`tag:yaml.org,2002:${tag}`, { kind: 'scalar', resolve: (s: string | null) => s !== null && test.test(s), construct: (s: string | null) => construct(s ?? '') });

/** yaml 1.2's core schema as the yaml package resolves it (js-yaml's own differs in edge cases: 1_000, 0b1, +.5e). */
const CORE = jsyaml.FAILSAFE_SCHEMA.extend({
  implicit: [
    new jsyaml.Type('tag:yaml.org,2002:null', { kind: 'scalar', resolve: (s: string | null) => s === null || /^(?:~|[Nn]ull|NULL)?$/.test(s), construct: () => null }),
    coreType('bool', /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/, (s) => s[0] === 't' || s[0] === 'T'),
    coreType('int', /^(?:0o[0-7]+|[-+]?[0-9]+|0x[0-9a-fA-F]+)$/, (s) => (s.startsWith('0o') ? parseInt(s.slice(2), 8) : s.startsWith('0x') ? parseInt(s.slice(2), 16) : Number(s))),
    coreType('float', /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?)$/, (s) =>
      /nan$/i.test(s) ? NaN : /inf$/i.test(s) ? (s[0] === '-' ? -Infinity : Infinity) : parseFloat(s),
    ),
  ],
});

/** What only the full reader handles: anchors, aliases, tags, merges, directives, complex keys, tabs, documents. */
const NEEDS_DOCUMENT = /[&*!\t]|<<|^\s*%|^\s*(?:-\s+)?\?(?:\s|$)|[\]}]\s*:|^---|^\.\.\./m;

function readPlain(shown: string, text: string): SourceFile | undefined {
  // A JSON path's wildcard after a word ("reply.messages[*].text") is text, not an alias.
  if (NEEDS_DOCUMENT.test(text.replace(/^---[ \t]*\n/, '').replace(/(?<=\w)\[\*\]/g, '[0]'))) return undefined;
  let data: unknown;
  try {
    // An empty file (or one of comments only) is null to yaml, undefined to js-yaml.
    data = jsyaml.load(text, { schema: CORE, json: false }) ?? null;
  } catch {
    return undefined;
  }
  let full: SourceFile | undefined;
  const doc = () => (full ??= readDocument(shown, text));
  return {
    file: shown,
    get doc() {
      return doc().doc;
    },
    data,
    at: (path, key) => doc().at(path, key),
    has: (path) => doc().has(path),
    raw: (path) => doc().raw(path),
  };
}

/** The yaml package throws (rather than reports) on a few inputs, e.g. `<<: 5`. */
function unreadable(err: unknown, text: string, lineCounter: LineCounter): Omit<ConfigProblem, 'file'> {
  const merge = /Merge sources/.test((err as Error).message) ? /<<\s*:/.exec(text) : null;
  const p = lineCounter.linePos(merge?.index ?? 0);
  const message = merge
    ? '"<<" merges a map into this one, but its value is not a map (or an alias of one) — write <<: *anchor-of-a-map'
    : `cannot read this YAML (${(err as Error).message.split('\n')[0]}) — check the indentation and quoting`;
  return { line: p.line, col: p.col, path: '', message };
}

/** Flow brackets ([ {) open at once: real configs use two or three; the parser slows down badly past a few hundred. */
export const MAX_FLOW_DEPTH = 64;

/** The offset of the first bracket nested deeper than MAX_FLOW_DEPTH (brackets inside text count too: a real file never gets near). */
function tooDeep(text: string): number | undefined {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5b || c === 0x7b) {
      if (++depth > MAX_FLOW_DEPTH) return i;
    } else if ((c === 0x5d || c === 0x7d) && depth > 0) depth--;
  }
  return undefined;
}

/** The offset to point at and a message that says how to fix it. */
function describeYamlError(e: YAMLError, doc: Document, text: string): { offset: number; message: string } {
  const first = e.message.split('\n')[0];
  let offset = e.pos[0];
  // Point at the first character of the line rather than its indentation.
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const indent = /^[ \t]*/.exec(text.slice(lineStart))![0].length;
  if (offset < lineStart + indent) offset = lineStart + indent;
  switch (e.code) {
    case 'MISSING_CHAR': {
      const quote = /closing (["'])quote/.exec(first)?.[1];
      if (quote) {
        const opened = unclosed(doc, e.pos[0], (n) => Y().isScalar(n) && (n.type === 'QUOTE_DOUBLE' || n.type === 'QUOTE_SINGLE'));
        return {
          offset: opened ?? offset,
          message: `unclosed ${quote} — the quoted text that starts here never ends (it runs on to line ${text.slice(0, e.pos[0]).split('\n').length}); add the closing ${quote}${quote === '"' ? ', or write \\" for a quote inside the text' : ", or write '' for a quote inside the text"}`,
        };
      }
      if (/without - indicator/.test(first)) {
        return { offset, message: `bad indentation — this line is indented differently from the list items around it (${first}); align it with them, spaces only` };
      }
      return { offset, message: `${first} — check the indentation and quoting around this line` };
    }
    case 'BAD_INDENT': {
      const bracket = /end with an? ([\]}])/.exec(first)?.[1];
      if (bracket) {
        const opened = unclosed(doc, e.pos[0], (n) => (Y().isSeq(n) || Y().isMap(n)) && !!n.flow);
        return {
          offset: opened ?? offset,
          message: `unclosed ${bracket === ']' ? '[' : '{'} — add the closing ${bracket} on the same line, or indent the continuation lines further than the key`,
        };
      }
      return { offset, message: `${first} — indent with spaces, children further than their parent key` };
    }
    case 'TAB_AS_INDENT':
      return { offset: lineStart, message: 'a tab is used for indentation — YAML indents with spaces only; replace the tab with spaces' };
    case 'DUPLICATE_KEY': {
      const key = /^[^:\n]*/.exec(text.slice(offset))![0].trim();
      return { offset, message: `duplicate key${key ? ` "${key}"` : ''} — a key may appear once per map; remove or merge one of them` };
    }
    case 'TAG_RESOLVE_FAILED': {
      const full = /Unresolved tag: (\S+)/.exec(first)?.[1] ?? '';
      const tag = shortTag(full);
      if (CORE_TAGS.has(full)) return { offset: e.pos[0], message: `the value does not fit its tag ${tag} — remove the tag, or fix the value` };
      return { offset: e.pos[0], message: `unknown YAML tag ${tag} — config files are plain YAML; remove the tag (quote the value if it is text)` };
    }
    case 'MULTIPLE_DOCS':
      return { offset, message: 'a second YAML document ("---") — a config file holds one document; remove the "---" line or split the file' };
    case 'BAD_SCALAR_START':
      return { offset, message: `${first} — quote the value ("…")` };
    case 'BLOCK_AS_IMPLICIT_KEY':
    case 'MULTILINE_IMPLICIT_KEY':
      return { offset, message: `${first} — a value that contains ": " must be quoted; otherwise check the indentation of this line` };
    default:
      if (/call stack/i.test(first)) return { offset, message: 'nested too deeply to read — real configs nest a few levels; look for runaway indentation or brackets' };
      return { offset, message: `${first} — check the indentation and quoting around this line` };
  }
}

/** The start of the node the parser ran off the end of (an unclosed quote or bracket). */
function unclosed(doc: Document, errorOffset: number, match: (n: unknown) => boolean): number | undefined {
  let found: number | undefined;
  Y().visit(doc, (_, n) => {
    if (match(n) && (n as Node).range && (n as Node).range![1] >= errorOffset && found === undefined) found = (n as Node).range![0];
  });
  return found;
}

const CORE_TAGS = new Set(['str', 'int', 'float', 'bool', 'null', 'map', 'seq'].map((t) => `tag:yaml.org,2002:${t}`));
const shortTag = (tag: string) => tag.replace(/^tag:yaml\.org,2002:/, '!!');

/** What parses but a plain config must not hold: type tags (!!set, !!binary), keys that are maps or lists, merges of non-maps. */
function nodeProblems(doc: Document, text: string): { offset: number; message: string }[] {
  const problems: { offset: number; message: string }[] = [];
  Y().visit(doc, (_, n) => {
    if (Y().isScalar(n) || Y().isCollection(n)) {
      if (n.tag && !CORE_TAGS.has(n.tag)) {
        const start = n.range?.[0] ?? 0;
        const lineStart = text.lastIndexOf('\n', start - 1) + 1;
        const tag = /!\S*\s*$/.exec(text.slice(lineStart, start));
        const offset = tag ? lineStart + tag.index : start;
        problems.push({ offset, message: `unknown YAML tag ${shortTag(n.tag)} — config files are plain YAML; remove the tag` });
      }
    }
    if (Y().isPair(n)) {
      const key = n.key as Node | null;
      if (Y().isCollection(key)) problems.push({ offset: key.range?.[0] ?? 0, message: 'a key that is a list or a map — keys are plain text; write the key as text' });
      if (Y().isScalar(key) && key.value === '<<') {
        const target = Y().isAlias(n.value) ? n.value.resolve(doc) : n.value;
        const sources = Y().isSeq(target) ? target.items.map((i) => (Y().isAlias(i) ? i.resolve(doc) : i)) : [target];
        if (!sources.every((x) => Y().isMap(x))) {
          problems.push({ offset: key.range?.[0] ?? 0, message: '"<<" merges a map into this one, but its value is not a map (or an alias of one) — write <<: *anchor-of-a-map' });
        }
      }
    }
  });
  return problems;
}

/** Unresolved aliases and aliases that expand past MAX_ALIAS_EXPANSION values (a "billion laughs"). */
function aliasProblems(doc: Document): { offset: number; message: string }[] {
  const problems: { offset: number; message: string }[] = [];
  const sizes = new Map<unknown, number>();
  const size = (n: unknown, depth = 0): number => {
    if (depth > 1000) return Infinity;
    if (Y().isAlias(n)) {
      const target = n.resolve(doc);
      return target ? size(target, depth + 1) : 1;
    }
    if (!Y().isCollection(n)) return 1;
    const known = sizes.get(n);
    if (known !== undefined) return known;
    sizes.set(n, Infinity); // an alias inside its own anchor
    let total = 1;
    for (const item of n.items) total += Y().isPair(item) ? size(item.key, depth + 1) + size(item.value, depth + 1) : size(item, depth + 1);
    sizes.set(n, total);
    return total;
  };
  let expanded = 0;
  Y().visit(doc, {
    Alias(_, a) {
      const offset = a.range?.[0] ?? 0;
      const target = a.resolve(doc);
      if (!target) {
        problems.push({ offset, message: `alias *${a.source} refers to no anchor — define &${a.source} above it, or remove the *` });
        return;
      }
      const each = size(target);
      expanded += each;
      if (expanded > MAX_ALIAS_EXPANSION) {
        problems.push({
          offset,
          message: `YAML aliases expand this file past ${MAX_ALIAS_EXPANSION} values here (*${a.source} alone is ${Number.isFinite(each) ? each : 'endless'}) — nested aliases multiply; write the values out instead`,
        });
        return Y().visit.BREAK;
      }
    },
  });
  return problems;
}

/** The deepest node on `path` (or its key node); falls back to the nearest existing parent. */
function nodeAt(doc: Document, path: PropertyKey[], key: boolean): { node: Node | undefined; exact: boolean } {
  let node: unknown = doc.contents;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    if (Y().isAlias(node)) node = node.resolve(doc);
    if (Y().isMap(node)) {
      const pair = node.items.find((p) => Y().isPair(p) && Y().isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) return { node: node as Node, exact: false };
      if (key && i === path.length - 1) return { node: pair.key as Node, exact: true };
      node = pair.value ?? pair.key;
    } else if (Y().isSeq(node) && typeof seg === 'number' && node.items[seg]) {
      node = node.items[seg];
    } else {
      return { node: node as Node | undefined, exact: false };
    }
  }
  return { node: node as Node | undefined, exact: true };
}

/** Validate YAML data with a zod schema; every issue becomes a file:line:col problem. */
export function validateWith<T extends z.ZodType>(
  source: SourceFile,
  schema: T,
  data: unknown = source.data,
): { value?: z.output<T>; problems: ConfigProblem[] } {
  const result = schema.safeParse(data);
  if (result.success) return { value: result.data, problems: [] };
  return { problems: result.error.issues.flatMap((issue) => issueProblems(source, schema, issue, data)) };
}

export function problem(source: SourceFile, path: PropertyKey[], key: boolean, message: string): ConfigProblem {
  const pos = source.at(path, key);
  return { file: source.file, line: pos.line, col: pos.col, path: formatPath(path), message };
}

export function formatPath(path: PropertyKey[]): string {
  return path.map((seg, i) => (typeof seg === 'number' ? `[${seg}]` : i === 0 ? String(seg) : `.${String(seg)}`)).join('');
}
