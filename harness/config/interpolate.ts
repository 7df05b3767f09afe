import type { ConfigProblem } from '../errors.ts';

// `${env:VAR}` (secrets and settings from the environment) and
// `${embedded:NAME}` (addresses published by the embedded demo bank once it
// has started on its random ports).

const PATTERN = /\$\{(env|embedded):([A-Za-z0-9_.-]+)(?::-([^}]*))?\}/g;

type Lookup = (scheme: 'env' | 'embedded', name: string) => string | undefined;

export interface Interpolation {
  value: unknown;
  problems: { path: PropertyKey[]; message: string }[];
}

/** Replace placeholders of the given schemes in every string of `data`. */
export function interpolate(data: unknown, schemes: ('env' | 'embedded')[], lookup: Lookup): Interpolation {
  const problems: Interpolation['problems'] = [];
  const walk = (v: unknown, path: PropertyKey[]): unknown => {
    if (typeof v === 'string') {
      return v.replace(PATTERN, (whole, scheme: 'env' | 'embedded', name: string, fallback?: string) => {
        if (!schemes.includes(scheme)) return whole;
        const found = lookup(scheme, name) ?? fallback;
        if (found === undefined) {
          problems.push({
            path,
            message:
              scheme === 'env'
                ? `environment variable ${name} is not set — export it (or write \${env:${name}:-default})`
                : `the embedded bank publishes no "${name}" — check the name against banks/demo/README or the embedded bank's parts`,
          });
          return whole;
        }
        return found;
      });
    }
    if (Array.isArray(v)) return v.map((x, i) => walk(x, [...path, i]));
    if (v && typeof v === 'object') {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, [...path, k])]));
    }
    return v;
  };
  return { value: walk(data, []), problems };
}

export const envLookup: Lookup = (scheme, name) => (scheme === 'env' ? process.env[name] : undefined);

/** Values that came from the environment: masked wherever text is written (logs, run folder). */
export function secretValues(data: unknown): string[] {
  const out: string[] = [];
  const walk = (v: unknown) => {
    if (typeof v === 'string') {
      for (const m of v.matchAll(PATTERN)) {
        const val = m[1] === 'env' ? process.env[m[2]] : undefined;
        if (val && val.length >= 4) out.push(val);
      }
    } else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(data);
  return out;
}

export function toProblems(file: string, at: (p: PropertyKey[]) => { line: number; col: number }, i: Interpolation): ConfigProblem[] {
  return i.problems.map((p) => ({ file, ...at(p.path), path: p.path.map(String).join('.'), message: p.message }));
}
