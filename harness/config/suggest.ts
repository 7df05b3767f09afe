import { distance } from 'fastest-levenshtein';
import type { z } from 'zod';

// "Did you mean" for unknown keys: walk the zod schema along the path
// to the object that rejected the key, and offer its closest allowed key.

export function suggestKey(schema: z.ZodType, path: PropertyKey[], key: string): string | undefined {
  return closest(key, allowedKeys(schema, path));
}

/** Every key the object(s) at `path` accept. */
export function allowedKeys(schema: z.ZodType, path: PropertyKey[]): string[] {
  const out = new Set<string>();
  for (const obj of objectsAt(schema, path)) for (const k of Object.keys(obj)) if (k !== '$schema') out.add(k);
  return [...out];
}

/** The candidate nearest to `word` (typos, case), if it is near enough to be what was meant. */
export function closest(word: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = distance(c.toLowerCase(), word.toLowerCase());
    if (d < bestD) [best, bestD] = [c, d];
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(word.length / 3)) && bestD < Math.max(word.length, 1) ? best : undefined;
}

/** Keys the object at `path` cannot do without: what an empty file or a missing map needs. */
export function requiredKeys(schema: z.ZodType, path: PropertyKey[]): string[] {
  const out = new Set<string>();
  for (const shape of objectsAt(schema, path)) {
    for (const [k, s] of Object.entries(shape)) if (!(s as z.ZodType).safeParse(undefined).success) out.add(k);
  }
  return [...out];
}

/** The forms of a union of maps at `path`, each as its required keys: "click", "fill+value". */
export function unionForms(schema: z.ZodType, path: PropertyKey[]): string[] {
  return [...new Set(objectsAt(schema, path).map((shape) => {
    const required = Object.entries(shape).filter(([, s]) => !(s as z.ZodType).safeParse(undefined).success).map(([k]) => k);
    return (required.length ? required : Object.keys(shape)).join('+');
  }))];
}

function objectsAt(schema: unknown, path: PropertyKey[]): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const visit = (s: any, rest: PropertyKey[], depth: number) => {
    if (!s?._zod || depth > 40) return;
    const def = s._zod.def;
    switch (def.type) {
      case 'optional':
      case 'default':
      case 'nullable':
      case 'prefault':
      case 'readonly':
      case 'catch':
        return visit(def.innerType, rest, depth + 1);
      case 'pipe':
        return visit(def.in, rest, depth + 1);
      case 'lazy':
        return visit(def.getter(), rest, depth + 1);
      case 'union':
        for (const o of def.options) visit(o, rest, depth + 1);
        return;
      case 'intersection':
        visit(def.left, rest, depth + 1);
        visit(def.right, rest, depth + 1);
        return;
      case 'array':
        if (rest.length && typeof rest[0] === 'number') visit(def.element, rest.slice(1), depth + 1);
        return;
      case 'record':
        if (rest.length) visit(def.valueType, rest.slice(1), depth + 1);
        return;
      case 'object':
        if (!rest.length) out.push(def.shape);
        else if (def.shape[rest[0] as string]) visit(def.shape[rest[0] as string], rest.slice(1), depth + 1);
        else if (def.catchall) visit(def.catchall, rest.slice(1), depth + 1);
        return;
    }
  };
  visit(schema, path, 0);
  return out;
}
