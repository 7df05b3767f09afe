// The hand-labelled calibration replies of four packs must agree with their
// scenario packs and with the labelling rules in calibration/zh-CN/RULES.md:
// real cases, turns and key-point ids, completeness that follows from the hits
// and weights, labels that follow from what the reply is, and both splits
// covering every category.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const fixturesDir = fileURLToPath(new URL('../../calibration/zh-CN/', import.meta.url));
const scenariosDir = fileURLToPath(new URL('../../scenarios/zh-CN/', import.meta.url));

const packs = {
  'account-opening': 'ao',
  'account-closing': 'ac',
  'card-loss': 'cl',
  'balance-inquiry': 'bi',
} as const;

const categories = [
  'answer', 'restated', 'related-buttons', 'html', 'markdown', 'handoff', 'handoff-tail',
  'other-question', 'menu-right', 'menu-wrong', 'fallback', 'ask-data', 'asr', 'traditional',
  'english', 'colloquial', 'forbidden',
];

interface KeyPoint { id: string; weight?: number }
interface Turn { say: string; expect: { keypoints: (KeyPoint | string)[]; forbid?: string[]; handoff?: string } }
interface Pack { id: string; keypoints?: KeyPoint[]; cases: { id: string; turns: Turn[] }[] }
interface Entry {
  id: string; pack: string; case: string; turn: number; question: string; reply: string;
  buttons?: string[]; transcribed?: boolean; handoff?: boolean;
  then?: { say: string; reply: string; buttons?: string[] };
  category: string; split: string;
  label: { recognition: number; topic: string; completeness: number; hits: string[] };
}

function weights(pack: Pack, turn: Turn): Map<string, number> {
  const shared = new Map((pack.keypoints ?? []).map((k) => [k.id, k]));
  const out = new Map<string, number>();
  for (const k of turn.expect.keypoints) {
    const kp = typeof k === 'string' ? shared.get(k) : k;
    if (!kp) throw new Error(`${pack.id}: key point ${String(k)} is not in the pack's keypoints`);
    out.set(kp.id, kp.weight ?? 1);
  }
  return out;
}

const round2 = (x: number) => Math.round(x * 100) / 100;

for (const [packId, prefix] of Object.entries(packs)) {
  const pack = parse(readFileSync(`${scenariosDir}${packId}.yaml`, 'utf8')) as Pack;
  const entries = parse(readFileSync(`${fixturesDir}${packId}.yaml`, 'utf8')) as Entry[];

  describe(`calibration replies for ${packId}`, () => {
    it('is a list of at least 45 entries with unique ids of the pack', () => {
      expect(Array.isArray(entries)).toBe(true);
      expect(entries.length).toBeGreaterThanOrEqual(45);
      const ids = entries.map((e) => e.id);
      expect(new Set(ids).size).toBe(ids.length);
      for (const e of entries) {
        expect(e.id, e.id).toMatch(new RegExp(`^${prefix}-\\d+$`));
        expect(e.pack, e.id).toBe(packId);
      }
    });

    it('names real cases, turns and key points', () => {
      for (const e of entries) {
        const c = pack.cases.find((x) => x.id === e.case);
        expect(c, `${e.id}: case ${e.case}`).toBeDefined();
        const turn = c!.turns[e.turn];
        expect(turn, `${e.id}: turn ${e.turn}`).toBeDefined();
        const w = weights(pack, turn);
        for (const h of e.label.hits) expect(w.has(h), `${e.id}: hit ${h}`).toBe(true);
        expect(new Set(e.label.hits).size, `${e.id}: duplicate hits`).toBe(e.label.hits.length);
        expect(typeof e.question === 'string' && e.question.length > 0, e.id).toBe(true);
        expect(typeof e.reply, e.id).toBe('string');
      }
    });

    it('labels follow from what the reply is', () => {
      for (const e of entries) {
        const { recognition, topic } = e.label;
        expect(categories, e.id).toContain(e.category);
        expect(['dev', 'test'], e.id).toContain(e.split);
        expect([0, 1, 4, 5], `${e.id}: recognition`).toContain(recognition);
        expect(topic, `${e.id}: topic`).toBe(recognition >= 3 ? 'on' : recognition === 1 ? 'off' : 'fallback');
        expect(e.then !== undefined, `${e.id}: then only for a menu with the right option`).toBe(e.category === 'menu-right');
        if (e.category === 'menu-right') expect(recognition, e.id).toBe(4);
        if (e.category === 'menu-wrong' || e.category === 'other-question') expect(recognition, e.id).toBe(1);
        if (e.category === 'fallback') expect(recognition, e.id).toBe(0);
        if (e.category === 'asr') expect(e.transcribed, e.id).toBe(true);
        if (e.category === 'handoff') {
          const mode = pack.cases.find((x) => x.id === e.case)!.turns[e.turn].expect.handoff;
          expect(recognition, `${e.id}: handoff with expect.handoff ${mode}`).toBe(mode === 'require' || mode === 'accept' ? 5 : 0);
        }
      }
    });

    it('completeness is the weighted share of the hits, capped by a forbidden statement', () => {
      for (const e of entries) {
        const c = pack.cases.find((x) => x.id === e.case)!;
        const turn = c.turns[e.turn];
        const w = weights(pack, turn);
        const total = [...w.values()].reduce((a, b) => a + b, 0);
        const hit = e.label.hits.reduce((a, h) => a + (w.get(h) ?? 0), 0);
        let expected = round2((5 * hit) / total);
        if (e.label.recognition < 3) {
          expect(e.label.hits, `${e.id}: no hits when not recognised`).toEqual([]);
          expected = 0;
        } else if (e.category === 'handoff' && turn.expect.handoff === 'require') {
          expected = 5;
        } else if (e.category === 'forbidden') {
          expect(turn.expect.forbid?.length ?? 0, `${e.id}: forbidden on a turn without a forbid list`).toBeGreaterThan(0);
          expected = Math.min(expected, 1);
        }
        expect(e.label.completeness, `${e.id}: completeness`).toBe(expected);
      }
    });

    it('covers every category in both splits, about half each', () => {
      for (const cat of categories) {
        const inCat = entries.filter((e) => e.category === cat);
        expect(inCat.length, `${cat}: entries`).toBeGreaterThanOrEqual(2);
        const test = inCat.filter((e) => e.split === 'test').length;
        expect(test, `${cat}: test entries`).toBeGreaterThanOrEqual(1);
        expect(inCat.length - test, `${cat}: dev entries`).toBeGreaterThanOrEqual(1);
      }
      const test = entries.filter((e) => e.split === 'test').length;
      expect(test / entries.length).toBeGreaterThan(0.4);
      expect(test / entries.length).toBeLessThan(0.6);
    });

    it('spreads over most cases and includes later turns', () => {
      const cases = new Set(entries.map((e) => e.case));
      expect(cases.size).toBeGreaterThanOrEqual(Math.min(8, pack.cases.length));
      expect(entries.some((e) => e.turn > 0)).toBe(true);
    });
  });
}
