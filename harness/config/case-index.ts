import type { Pack, ScenarioCase } from './scenario.ts';

// Kept apart from the pack schema (scenario.ts): the grader looks cases up on
// every conversation, and the grading thread loads it without zod.

const caseIndex = new WeakMap<Pack, Map<string, ScenarioCase>>();

/** The case of a pack by id, through an index built once per pack: grading and scoring look a case up per conversation. */
export function caseIn(pack: Pack, id: string): ScenarioCase | undefined {
  let index = caseIndex.get(pack);
  if (!index) caseIndex.set(pack, (index = new Map(pack.cases.map((c) => [c.id, c]))));
  return index.get(id);
}
