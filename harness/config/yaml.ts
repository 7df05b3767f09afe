import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { LineCounter, isMap, isPair, isScalar, isSeq, parseDocument, type Document, type Node } from 'yaml';
import type { z } from 'zod';
import { ConfigError, type ConfigProblem } from '../errors.ts';
import { suggestKey } from './suggest.ts';

/** A parsed YAML file that can point at any of its values by path. */
export interface SourceFile {
  file: string;
  doc: Document;
  data: unknown;
  at(path: PropertyKey[], key?: boolean): { line: number; col: number };
}

export function displayPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel.startsWith('..') ? file : rel;
}

export function readYaml(file: string, text = readFileSync(file, 'utf8')): SourceFile {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const shown = displayPath(file);
  const problems: ConfigProblem[] = [...doc.errors, ...doc.warnings.filter(() => false)].map((e) => {
    const pos = lineCounter.linePos(e.pos[0]);
    return {
      file: shown,
      line: pos.line,
      col: pos.col,
      path: '',
      message: `${e.message.split('\n')[0]} — check the indentation and quoting around this line`,
    };
  });
  if (problems.length) throw new ConfigError(problems);
  const at = (path: PropertyKey[], key = false) => {
    const node = nodeAt(doc, path, key);
    const offset = node?.range?.[0] ?? 0;
    const pos = lineCounter.linePos(offset);
    return { line: pos.line, col: pos.col };
  };
  return { file: shown, doc, data: doc.toJS({ maxAliasCount: 100 }), at };
}

/** The deepest node on `path` (or its key node); falls back to the nearest existing parent. */
function nodeAt(doc: Document, path: PropertyKey[], key: boolean): Node | undefined {
  let node: unknown = doc.contents;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) return node as Node;
      if (key && i === path.length - 1) return pair.key as Node;
      node = pair.value ?? pair.key;
    } else if (isSeq(node) && typeof seg === 'number' && node.items[seg]) {
      node = node.items[seg];
    } else {
      return node as Node | undefined;
    }
  }
  return node as Node | undefined;
}

/** Validate YAML data with a zod schema; every issue becomes a file:line:col problem. */
export function validateWith<T extends z.ZodType>(
  source: SourceFile,
  schema: T,
  data: unknown = source.data,
): { value?: z.output<T>; problems: ConfigProblem[] } {
  const result = schema.safeParse(data);
  if (result.success) return { value: result.data, problems: [] };
  return { problems: result.error.issues.flatMap((issue) => issueProblems(source, schema, issue)) };
}

function issueProblems(source: SourceFile, schema: z.ZodType, issue: z.core.$ZodIssue): ConfigProblem[] {
  const path = issue.path as PropertyKey[];
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((k) => {
      const hint = suggestKey(schema, path, k);
      return problem(source, [...path, k], true, `unknown key "${k}"${hint ? ` — did you mean "${hint}"?` : ' — remove it'}`);
    });
  }
  return [problem(source, path, false, describeIssue(issue, source, path))];
}

function describeIssue(issue: z.core.$ZodIssue, source: SourceFile, path: PropertyKey[]): string {
  if (issue.code === 'invalid_type' && valueAt(source.data, path) === undefined) {
    return `required — add "${String(path[path.length - 1])}"`;
  }
  if (issue.code === 'invalid_union') return 'does not match any allowed form — see the schema for the accepted shapes';
  return issue.message;
}

function valueAt(data: unknown, path: PropertyKey[]): unknown {
  let v: any = data;
  for (const seg of path) {
    if (v == null) return undefined;
    v = v[seg as any];
  }
  return v;
}

export function problem(source: SourceFile, path: PropertyKey[], key: boolean, message: string): ConfigProblem {
  const pos = source.at(path, key);
  return { file: source.file, line: pos.line, col: pos.col, path: formatPath(path), message };
}

export function formatPath(path: PropertyKey[]): string {
  return path.map((seg, i) => (typeof seg === 'number' ? `[${seg}]` : i === 0 ? String(seg) : `.${String(seg)}`)).join('');
}
