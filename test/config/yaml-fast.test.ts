import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../harness/errors.ts';
import { readYaml } from '../../harness/config/yaml.ts';

// Config files are read by a fast reader when nothing in them needs the full
// one: whichever reads a file, the data must be what the yaml package makes
// of it, and problems must still point at file:line:col.

const root = join(import.meta.dirname, '..', '..');
const full = (text: string) => parse(text, { merge: true, uniqueKeys: true, maxAliasCount: -1 });

function yamlFiles(dir: string, out: string[] = []): string[] {
  for (const f of readdirSync(dir)) {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) yamlFiles(p, out);
    else if (/\.ya?ml$/.test(f)) out.push(p);
  }
  return out;
}

describe('reading config files', () => {
  it('gives the same data as the yaml package for every shipped scenario pack, bank profile and fixture', () => {
    const files = ['scenarios', 'banks', 'calibration', 'test/fixtures'].flatMap((d) => yamlFiles(join(root, d)));
    expect(files.length).toBeGreaterThan(30);
    let read = 0;
    for (const file of files) {
      let data: unknown;
      try {
        data = readYaml(file).data;
      } catch (err) {
        if (err instanceof ConfigError) continue; // a fixture of a broken file
        throw err;
      }
      read++;
      expect(data, file).toEqual(full(readFileSync(file, 'utf8')));
    }
    expect(read).toBeGreaterThan(30);
  });

  it('resolves plain scalars as yaml 1.2 core does, quoted ones stay text', () => {
    const text = [
      'a: 1_000', 'b: 0b101', 'c: 0o17', 'd: 0x1F', 'e: +.5', 'f: .inf', 'g: -.Inf', 'h: 1e3', 'i: ~', 'j: Null', 'k: yes', 'l: 2024-01-02',
      'm: TRUE', 'n: False', 'o: "12"', "p: '~'", 'q:', 'r: -0', 's: 010', 't: 1.', 'u: 工作日 9:00-17:00', 'v: [1, "2", three]',
      'w: |\n  第一行\n  第二行\n', 'x: >-\n  折叠的\n  一段话\n', 'y: "转义\\t\\u4e2d"', 'z: 3.14',
    ].join('\n');
    const data = readYaml('inline.yaml', text).data as Record<string, unknown>;
    expect(data).toEqual(full(text));
    expect(Number.isNaN((readYaml('nan.yaml', 'x: .nan').data as { x: number }).x)).toBe(true);
    expect(data.a).toBe('1_000');
    expect(data.k).toBe('yes');
    expect(data.q).toBeNull();
  });

  it('reads anchors, merges and tags with the full reader, and still locates a duplicate key', () => {
    const text = 'base: &b { x: 1 }\nuse:\n  <<: *b\n  y: 2\n';
    expect(readYaml('merge.yaml', text).data).toEqual({ base: { x: 1 }, use: { x: 1, y: 2 } });
    // A JSON path's wildcard is text to either reader, beside an alias or not.
    for (const t of ['text: data.items[*].content\n', 'text: data.items[*].content\nbase: &b [1]\nuse: *b\n', 'path: "a[*]"\nlist: [x[*]]\n']) {
      let expected: unknown;
      try {
        expected = full(t);
      } catch {
        expected = 'unreadable';
      }
      let got: unknown;
      try {
        got = readYaml('paths.yaml', t).data;
      } catch {
        got = 'unreadable';
      }
      expect(got, t).toEqual(expected);
    }
    let err: unknown;
    try {
      readYaml('dup.yaml', 'id: a\nname: 名\nid: b\n');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).problems[0]).toMatchObject({ file: 'dup.yaml', line: 3, col: 1 });
    expect((err as ConfigError).problems[0].message).toMatch(/duplicate key "id"/);
  });

  it('points a value the fast reader read at its line and column', () => {
    const source = readYaml('pos.yaml', 'id: faq\ncases:\n  - id: q1\n    name: 年费\n');
    expect(source.at(['cases', 0, 'name'])).toEqual({ line: 4, col: 11 });
    expect(source.has(['cases', 0, 'id'])).toBe(true);
    expect(source.has(['cases', 1])).toBe(false);
  });
});
