import type { z } from 'zod';
import type { ConfigProblem } from '../errors.ts';
import { allowedKeys, closest, requiredKeys, suggestKey, unionForms } from './suggest.ts';
import { formatPath, type SourceFile } from './yaml.ts';

// zod issues → messages a researcher can act on: the key, what it expects, what
// the file says, and what to write instead. Unions resolve to the branch the
// value's shape fits, so "weight: '2'" inside a key point reads as a number
// problem at the weight line, not "does not match any allowed form".

type Issue = z.core.$ZodIssue;

export function issueProblems(source: SourceFile, schema: z.ZodType, issue: Issue, data: unknown): ConfigProblem[] {
  const path = issue.path as PropertyKey[];
  const at = (p: PropertyKey[], key: boolean, message: string): ConfigProblem => {
    const pos = source.at(p, key);
    return { file: source.file, line: pos.line, col: pos.col, path: formatPath(p), message };
  };
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((k) => {
        const hint = suggestKey(schema, path, k);
        const allowed = allowedKeys(schema, path);
        const list = allowed.length ? ` (allowed here: ${allowed.slice(0, 12).join(', ')}${allowed.length > 12 ? ', …' : ''})` : '';
        return at([...path, k], true, `unknown key "${k}"${hint ? ` — did you mean "${hint}"?` : ` — remove it${list}`}`);
      });
    case 'invalid_union': {
      const value = valueAt(data, path);
      if ('discriminator' in issue && issue.discriminator) return [discriminatorProblem(issue, path, data, at, (p) => source.raw(p))];
      const branches = (issue.errors ?? []) as Issue[][];
      const fitting = branches.filter((b) => !b.some((i) => i.path.length === 0 && (i.code === 'invalid_type' || i.code === 'invalid_value')));
      if (fitting.length) {
        // The branch whose keys the value uses, then the one with the fewest complaints.
        const unknownKeys = (b: Issue[]) => b.reduce((n, i) => n + (i.code === 'unrecognized_keys' && i.path.length === 0 ? i.keys.length : 0), 0);
        const best = fitting.reduce((a, b) => {
          const d = unknownKeys(b) - unknownKeys(a);
          return d < 0 || (d === 0 && b.length < a.length) ? b : a;
        });
        if (unknownKeys(best) > 0) return [unionKeyProblem(schema, path, value, at)];
        return best.flatMap((sub) => issueProblems(source, schema, { ...sub, path: [...path, ...sub.path] } as Issue, data));
      }
      const values = branches.flatMap((b) => b.flatMap((i) => (i.code === 'invalid_value' && i.path.length === 0 ? i.values : [])));
      if (values.length && branches.every((b) => b.some((i) => i.code === 'invalid_value'))) {
        return [at(path, false, enumMessage(keyOf(path), values, value, source.raw(path)))];
      }
      const expected = [...new Set(branches.flatMap((b) => b.flatMap((i) => (i.code === 'invalid_type' && i.path.length === 0 ? [typeName(i.expected)] : []))))];
      return [at(path, false, `expected ${expected.join(' or ') || 'another form'}, got ${describeValue(value, source.raw(path))}`)];
    }
    case 'invalid_key': {
      const name = String(path[path.length - 1]);
      const lower = name.toLowerCase().replace(/[^a-z0-9_-]+/g, '-');
      const why = issue.issues.map((i) => i.message).join('; ');
      return [at(path, true, `invalid key "${name}" — ${why}${lower !== name && lower ? `; e.g. ${lower}` : ''}`)];
    }
    default:
      return [at(path, false, describeIssue(issue, path, data, schema, source.raw(path)))];
  }
}

/** A map no form of the union accepts: name the unknown key and the forms there are. */
function unionKeyProblem(schema: z.ZodType, path: PropertyKey[], value: unknown, at: (p: PropertyKey[], key: boolean, m: string) => ConfigProblem): ConfigProblem {
  const forms = unionForms(schema, path);
  const keys = value && typeof value === 'object' ? Object.keys(value) : [];
  const known = new Set(forms.flatMap((f) => f.split('+')));
  const unknown = keys.find((k) => !known.has(k)) ?? keys[0] ?? '';
  const hint = suggestKey(schema, path, unknown);
  const list = `(one of: ${forms.join(', ')})`;
  return at([...path, unknown], true, `unknown key "${unknown}" — ${hint ? `did you mean "${hint}"? ${list}` : `write one of the forms ${list}`}`);
}

function discriminatorProblem(issue: any, path: PropertyKey[], data: unknown, at: (p: PropertyKey[], key: boolean, m: string) => ConfigProblem, raw: (p: PropertyKey[]) => string | undefined): ConfigProblem {
  const key = String(issue.discriminator);
  const options: string[] = (issue.options ?? []).map(String);
  // zod puts the discriminator on the path; older shapes leave it off.
  const full = path[path.length - 1] === key ? path : [...path, key];
  const value = valueAt(data, full);
  if (value === undefined) {
    return at(full.slice(0, -1), false, `missing required key "${key}" — add ${key}: one of ${options.join(', ')}`);
  }
  return at(full, false, enumMessage(key, options, value, raw(full)));
}

function describeIssue(issue: Issue, path: PropertyKey[], data: unknown, schema: z.ZodType, raw: string | undefined): string {
  const key = keyOf(path);
  const value = valueAt(data, path);
  switch (issue.code) {
    case 'invalid_type': {
      if (value == null && path.length === 0) {
        return `the file is empty — write a map with ${requiredKeys(schema, path).map((k) => `${k}:`).join(', ') || 'its keys'}`;
      }
      if (value === undefined) {
        return `missing required key "${key}" (${typeName(issue.expected)}) — add ${key}: ${example(issue.expected)}`;
      }
      if (path.length === 0) {
        const keys = requiredKeys(schema, path);
        return `expected the file to be a map${keys.length ? ` (${keys.map((k) => `${k}:`).join(', ')} …)` : ''}, got ${describeValue(value, raw)}`;
      }
      const fix = raw?.includes('${env:') ? undefined : typeFix(key, issue.expected, value, raw);
      return `expected ${typeName(issue.expected)}, got ${describeValue(value, raw)}${fix ? ` — ${fix}` : ''}`;
    }
    case 'invalid_value':
      return enumMessage(key, issue.values, value, raw);
    case 'too_small':
    case 'too_big': {
      if (!/^Too (small|big)/.test(issue.message)) return issue.message;
      const bound = issue.code === 'too_small' ? issue.minimum : issue.maximum;
      const inclusive = issue.inclusive !== false;
      const op = issue.code === 'too_small' ? (inclusive ? '≥' : '>') : inclusive ? '≤' : '<';
      if (issue.origin === 'array' || issue.origin === 'set') {
        return `must have ${issue.code === 'too_small' ? 'at least' : 'at most'} ${bound} item(s), got ${Array.isArray(value) ? value.length : describeValue(value, raw)}`;
      }
      if (issue.origin === 'string') {
        return Number(bound) <= 1 && issue.code === 'too_small' ? 'must not be empty' : `must be ${op} ${bound} characters long, got ${String(value).length}`;
      }
      return `must be ${op} ${bound}, got ${describeValue(value, raw)}`;
    }
    case 'invalid_format': {
      const generic = /^Invalid (string|URL|email|input)/i.test(issue.message);
      return generic ? `expected ${formatName(issue.format)}, got ${describeValue(value, raw)}` : `${issue.message} — got ${describeValue(value, raw)}`;
    }
    case 'custom':
      return value === undefined ? issue.message : `${issue.message} — got ${describeValue(value, raw)}`;
    default:
      return issue.message;
  }
}

function enumMessage(key: string, values: readonly unknown[], value: unknown, raw?: string): string {
  const allowed = values.map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
  const hint = typeof value === 'string' ? closest(value, allowed) : undefined;
  const head = allowed.length === 1 ? `expected ${allowed[0]}` : `expected one of ${allowed.join(', ')}`;
  const item = /^\[\d+\]$/.test(key);
  const write = (v: string) => (item ? v : `${key}: ${v}`);
  return `${head}, got ${describeValue(value, raw)}${hint ? ` — did you mean ${write(hint)}?` : ` — write ${write(allowed[0])}${allowed.length > 1 ? ` (or ${allowed.slice(1).join(', ')})` : ''}`}`;
}

function typeFix(key: string, expected: string, value: unknown, raw = String(value)): string | undefined {
  const item = /^\[\d+\]$/.test(key);
  const write = (v: string) => (item ? `write the item as ${v}` : `write ${key}: ${v}`);
  if ((expected === 'number' || expected === 'int') && typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) {
    return write(String(Number(value)));
  }
  if (expected === 'int' && typeof value === 'number') return write(String(Math.round(value)));
  if (expected === 'boolean' && typeof value === 'string') {
    const v = value.trim().toLowerCase();
    if (['true', 'yes', 'on', '1', '是'].includes(v)) return write('true');
    if (['false', 'no', 'off', '0', '否'].includes(v)) return write('false');
  }
  if (expected === 'array' && (typeof value === 'string' || typeof value === 'number')) return write(`[${value}]`);
  if (expected === 'array' && value === null) return write('[ … ] (a list)');
  if (expected === 'string' && (typeof value === 'number' || typeof value === 'boolean')) return `quote it: ${item ? '' : `${key}: `}"${raw}"`;
  if (value === null) return `fill in the value after "${item ? '-' : `${key}:`}" or remove the line`;
  return undefined;
}

function typeName(expected: string): string {
  const names: Record<string, string> = {
    string: 'a string',
    number: 'a number',
    int: 'a whole number',
    boolean: 'true or false',
    array: 'a list',
    object: 'a map',
    record: 'a map',
    map: 'a map',
    null: 'nothing',
  };
  return names[expected] ?? expected;
}

function example(expected: string): string {
  return ({ string: '…', number: '1', int: '1', boolean: 'true', array: '[ … ]', object: '{ … }', record: '{ … }' } as Record<string, string>)[expected] ?? '…';
}

function formatName(format: string): string {
  return ({ url: 'a URL (https://…)', email: 'an e-mail address', regex: 'text of another form' } as Record<string, string>)[format] ?? `a ${format}`;
}

export function describeValue(value: unknown, raw?: string): string {
  // A value from ${env:…} may be a secret: name the placeholder, never the value.
  if (raw && /\$\{env:/.test(raw)) return `the value of ${raw.trim()}`;
  if (value === undefined) return 'nothing';
  if (value === null) return 'an empty value';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value)}`;
  if (typeof value === 'number') return `the number ${value}`;
  if (typeof value === 'boolean') return `${value}`;
  if (Array.isArray(value)) return `a list (${value.length} item${value.length === 1 ? '' : 's'})`;
  if (typeof value === 'object') return 'a map';
  return String(value);
}

function keyOf(path: PropertyKey[]): string {
  const last = path[path.length - 1];
  return typeof last === 'number' ? `[${last}]` : String(last ?? '');
}

export function valueAt(data: unknown, path: PropertyKey[]): unknown {
  let v: any = data;
  for (const seg of path) {
    if (v == null || typeof v !== 'object') return undefined;
    v = v[seg as any];
  }
  return v;
}
