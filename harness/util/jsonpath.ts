// Response fields by path: "reply.text", "messages[*].text", "data.items[0].content".
// A dozen lines cover what bot APIs need; a JSONPath library would add a
// grammar our profiles do not use.

/** A path's segments ("[0]" → "0"), split once per path: profiles have a few, read on every reply. */
const compiled = new Map<string, string[]>();

function segmentsOf(path: string): string[] {
  let segs = compiled.get(path);
  if (!segs) {
    segs = (path.match(/[^.[\]]+|\[(\d+|\*)\]/g) ?? []).map((raw) => (raw.startsWith('[') ? raw.slice(1, -1) : raw));
    if (compiled.size >= 1000) compiled.clear();
    compiled.set(path, segs);
  }
  return segs;
}

export function getPath(data: unknown, path: string): unknown {
  let current: unknown[] = [data];
  let many = false;
  for (const seg of segmentsOf(path)) {
    const next: unknown[] = [];
    for (const v of current) {
      if (v == null) continue;
      if (seg === '*') {
        many = true;
        if (Array.isArray(v)) next.push(...v);
      } else if (Array.isArray(v) && /^\d+$/.test(seg)) next.push(v[Number(seg)]);
      else if (typeof v === 'object') next.push((v as Record<string, unknown>)[seg]);
    }
    current = next;
  }
  return many ? current.filter((v) => v !== undefined) : current[0];
}

/** Fill `{{name}}` placeholders in every string of a JSON template. */
export function fillTemplate(template: unknown, vars: Record<string, string | number>): unknown {
  if (typeof template === 'string') {
    const whole = /^\{\{(\w+)\}\}$/.exec(template);
    if (whole && typeof vars[whole[1]] === 'number') return vars[whole[1]];
    return template.replace(/\{\{(\w+)\}\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m));
  }
  if (Array.isArray(template)) return template.map((t) => fillTemplate(t, vars));
  if (template && typeof template === 'object') {
    return Object.fromEntries(Object.entries(template).map(([k, v]) => [k, fillTemplate(v, vars)]));
  }
  return template;
}
