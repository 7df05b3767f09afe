import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadPacks } from '../../harness/config/load.ts';
import type { Pack } from '../../harness/config/scenario.ts';

// The hand-labelled calibration replies of the branch-lookup, feedback-lookup,
// complaint-suggestion and info-inquiry packs: every label must follow from
// the written labelling rules and the pack it points at (real case, turn and
// key-point ids; completeness = 5 × hit weight ÷ all weight, capped at 1 by a
// forbidden statement, 0 when not recognised), so the set measures a grader
// and never the other way round.

const fixturesDir = join(import.meta.dirname, '..', '..', 'calibration', 'zh-CN');
const files = ['branch-lookup', 'feedback-lookup', 'complaint-suggestion', 'info-inquiry'] as const;
const prefix: Record<(typeof files)[number], string> = {
  'branch-lookup': 'bl',
  'feedback-lookup': 'fl',
  'complaint-suggestion': 'cs',
  'info-inquiry': 'ii',
};

const categories = [
  'answer', 'restated', 'related-buttons', 'html', 'markdown', 'handoff', 'handoff-tail', 'other-question',
  'menu-right', 'menu-wrong', 'fallback', 'ask-data', 'asr', 'traditional', 'english', 'colloquial', 'forbidden',
] as const;

interface Entry {
  id: string;
  pack: string;
  case: string;
  turn: number;
  question: string;
  reply: string;
  buttons?: string[];
  transcribed?: boolean;
  handoff?: boolean;
  then?: { say: string; reply: string; buttons?: string[] };
  category: string;
  split: string;
  label: { recognition: number; topic: string; completeness: number; hits: string[] };
}

const { packs } = loadPacks(join(import.meta.dirname, '..', '..', 'scenarios', 'zh-CN'));
const byId = new Map<string, Pack>(packs.map((p) => [p.id, p]));
const entries = new Map<string, Entry[]>(
  files.map((f) => [f, parse(readFileSync(join(fixturesDir, `${f}.yaml`), 'utf8')) as Entry[]]),
);
const all = [...entries.values()].flat();

function turnOf(e: Entry) {
  const c = byId.get(e.pack)?.cases.find((x) => x.id === e.case);
  return c?.turns[e.turn];
}

// Replies that state a forbidden fact in other words than the forbid list.
const paraphrasedForbid = new Set(['ii-66', 'ii-67', 'cs-916', 'ii-916', 'fl-812', 'cs-812', 'ii-812']);

const round2 = (x: number) => Math.round(x * 100) / 100;

describe('calibration fixtures: branch-lookup, feedback-lookup, complaint-suggestion, info-inquiry', () => {
  it.each(files)('%s: at least 45 well-formed entries pointing at real turns and key points', (file) => {
    const list = entries.get(file)!;
    expect(list.length).toBeGreaterThanOrEqual(45);
    const cases = new Set<string>();
    for (const e of list) {
      const where = `${file} ${e.id}`;
      expect(e.id, where).toMatch(new RegExp(`^${prefix[file]}-\\d+$`));
      expect(e.pack, where).toBe(file);
      const turn = turnOf(e);
      expect(turn, `${where}: case ${e.case} turn ${e.turn} does not exist`).toBeDefined();
      cases.add(`${e.case}/${e.turn}`);
      expect(typeof e.question, where).toBe('string');
      expect(typeof e.reply, where).toBe('string');
      expect(categories, where).toContain(e.category);
      expect(['dev', 'test'], where).toContain(e.split);
      const ids = turn!.expect.keypoints.map((k) => k.id);
      for (const h of e.label.hits) expect(ids, `${where}: hit ${h}`).toContain(h);
      expect(new Set(e.label.hits).size, where).toBe(e.label.hits.length);
    }
    // Spread over the pack: most of its turns appear.
    const turns = byId.get(file)!.cases.flatMap((c) => c.turns.map((_, i) => `${c.id}/${i}`));
    expect(cases.size / turns.length).toBeGreaterThanOrEqual(0.8);
  });

  it('ids are unique across the whole calibration set', () => {
    const seen = new Map<string, string>();
    for (const f of readdirSync(fixturesDir).filter((n) => n.endsWith('.yaml'))) {
      const list = (parse(readFileSync(join(fixturesDir, f), 'utf8')) ?? []) as Entry[];
      for (const e of list) {
        expect(seen.get(e.id), `${e.id} in ${f} and ${seen.get(e.id)}`).toBeUndefined();
        seen.set(e.id, f);
      }
    }
  });

  it('labels follow the rules: topic bucket, menus, handoffs, completeness arithmetic', () => {
    for (const e of all) {
      const where = e.id;
      const turn = turnOf(e)!;
      const { recognition, topic, completeness, hits } = e.label;
      expect(topic, where).toBe(recognition >= 3 ? 'on' : recognition >= 1 ? 'off' : 'fallback');
      expect([0, 1, 3, 4, 5], where).toContain(recognition);
      if (e.category === 'menu-right') {
        expect(e.then, where).toBeDefined();
        expect(recognition, where).toBe(4);
      } else {
        expect(e.then, `${where}: only a menu the customer answers has a then`).toBeUndefined();
        if (recognition >= 3) expect(recognition, where).toBe(5);
      }
      if (e.category === 'menu-wrong' || e.category === 'other-question') expect(recognition, where).toBe(1);
      if (e.category === 'fallback' || (e.category === 'ask-data' && hits.length === 0)) expect(recognition, where).toBe(0);
      if (e.category === 'asr') expect(e.transcribed, where).toBe(true);
      if (e.category === 'handoff') {
        if (turn.expect.handoff === 'require' || turn.expect.handoff === 'accept') expect(recognition, where).toBe(5);
        else expect(recognition, where).toBe(0);
      }
      if (recognition < 3) {
        expect(completeness, where).toBe(0);
        expect(hits, where).toEqual([]);
        continue;
      }
      const weight = new Map(turn.expect.keypoints.map((k) => [k.id, k.weight]));
      const total = [...weight.values()].reduce((a, b) => a + b, 0);
      const got = hits.reduce((a, h) => a + weight.get(h)!, 0);
      let expected = round2((5 * got) / total);
      if (e.category === 'handoff' && turn.expect.handoff === 'require') expected = 5;
      if (e.category === 'forbidden') {
        const text = e.then?.reply ?? e.reply;
        const literal = turn.expect.forbid.some((f) => text.includes(f));
        expect(literal || paraphrasedForbid.has(e.id), `${where} states no forbid phrase`).toBe(true);
        expected = Math.min(1, expected);
      }
      expect(completeness, where).toBe(expected);
    }
  });

  it('a forbid phrase outside the forbidden category is a negation, labelled uncapped', () => {
    // These replies contain a forbid phrase only inside a denial ("不存在无法投诉的情况").
    const negations = new Set(['cs-63', 'ii-63']);
    const found: string[] = [];
    for (const e of all) {
      if (e.category === 'forbidden') continue;
      const text = e.then?.reply ?? e.reply;
      if (turnOf(e)!.expect.forbid.some((f) => text.includes(f))) found.push(e.id);
    }
    expect(found.sort()).toEqual([...negations].sort());
  });

  it.each(files)('%s: covers most categories at least twice', (file) => {
    const count = new Map<string, number>();
    for (const e of entries.get(file)!) count.set(e.category, (count.get(e.category) ?? 0) + 1);
    const hasForbid = byId.get(file)!.cases.some((c) => c.turns.some((t) => t.expect.forbid.length > 0));
    for (const c of categories) {
      if (c === 'forbidden' && !hasForbid) continue;
      expect(count.get(c) ?? 0, `${file}: ${c}`).toBeGreaterThanOrEqual(2);
    }
  });

  // A category widened after its test part was written grows its development part only
  // (a test entry is never added to fit the grader): a quarter stays the floor.
  it('every category is split about half dev, half test', () => {
    for (const c of categories) {
      const of = all.filter((e) => e.category === c);
      const test = of.filter((e) => e.split === 'test').length;
      expect(test / of.length, c).toBeGreaterThanOrEqual(0.25);
      expect(test / of.length, c).toBeLessThanOrEqual(0.65);
    }
  });
});
