import { messages, type Lang } from '../messages.ts';
import { z } from 'zod';
import type { Expect } from '../../config/scenario.ts';
import type { Exchange, KeypointHit, RecognitionLevel, TurnGrade } from '../../types.ts';
import { levelScore } from '../rules.ts';

// The judge's verdict: what the model decides (levels, hits with quoted
// evidence), never the scores — those follow from the verdict by the same
// rubric rules the rules grader applies.

export const judgeLevels = ['first', 'after-clarify', 'after-rephrase', 'off-topic', 'fallback', 'handoff'] as const;

/** JSON Schema for `response_format: json_schema` (strict mode: every key required, no extras). */
export function verdictJsonSchema(keypointIds: string[], topics: string[]): Record<string, unknown> {
  return {
    type: 'object',
    additionalProperties: false,
    required: ['level', 'topic', 'keypoints', 'forbidHits', 'reasons'],
    properties: {
      level: { type: 'string', enum: [...judgeLevels], description: 'How the bot recognised the customer question' },
      topic: { type: 'string', enum: [...topics, 'none'], description: 'The scenario id the bot reply actually addresses' },
      keypoints: {
        type: 'array',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['id', 'hit', 'evidence'],
          properties: {
            id: keypointIds.length ? { type: 'string', enum: keypointIds } : { type: 'string' },
            hit: { type: 'boolean' },
            evidence: { type: 'string', description: 'The exact words of the bot reply that make the point; empty when not hit' },
          },
        },
      },
      forbidHits: { type: 'array', items: { type: 'string' }, description: 'Forbidden statements the reply makes' },
      reasons: { type: 'array', items: { type: 'string' } },
    },
  };
}

export const verdictSchema = z.object({
  level: z.enum(judgeLevels),
  topic: z.string(),
  keypoints: z.array(z.object({ id: z.string(), hit: z.boolean(), evidence: z.string() })),
  forbidHits: z.array(z.string()),
  reasons: z.array(z.string()),
});
export type Verdict = z.infer<typeof verdictSchema>;


const squash = (s: string) => s.replace(/\s+/g, '');
const round = (v: number) => Math.round(v * 100) / 100;


/**
 * Turns a verdict into a TurnGrade by the rubric (DESIGN.md "Grading"), with
 * the rules grader's handoff conventions: a required handoff that happens
 * scores 5 + 5; one that does not caps completeness at 2.
 */
export function scoreVerdict(v: Verdict, input: { expect: Expect; pack: string; index: number; exchanges: Exchange[]; lang?: Lang }): TurnGrade {
  const { expect } = input;
  const m = messages[input.lang ?? 'en'];
  const reasons: string[] = [];
  const replies = squash(input.exchanges.map((e) => e.reply.text).join('\n'));
  const handoffOk = expect.handoff === 'accept' || expect.handoff === 'require';
  const recognition = v.level === 'handoff' ? (handoffOk ? 5 : 0) : levelScore[v.level];
  if (v.level === 'handoff') {
    reasons.push(handoffOk ? m.handoffOk(m.handedOver, expect.handoff === 'require') : m.handoffNotWanted(m.handedOver));
  } else {
    reasons.push(m.judgeLevel(v.level, recognition));
  }

  const said = new Map(v.keypoints.map((k) => [k.id, k]));
  const hits: KeypointHit[] = [];
  const hitReasons: string[] = [];
  for (const kp of expect.keypoints) {
    const judged = said.get(kp.id);
    // The quoted evidence must really be in the reply: a claim the bot never made is no hit.
    if (judged?.hit && judged.evidence.trim() && replies.includes(squash(judged.evidence))) {
      hitReasons.push(m.judgeHit(m.keypoint(kp.id, kp.text), kp.weight, judged.evidence));
      hits.push({ id: kp.id, weight: kp.weight, hit: true, how: 'llm', matched: judged.evidence });
    } else {
      hitReasons.push(judged?.hit ? m.judgeMissedEvidence(m.keypoint(kp.id, kp.text), kp.weight, judged.evidence) : m.missed(m.keypoint(kp.id, kp.text), kp.weight, kp.text));
      hits.push({ id: kp.id, weight: kp.weight, hit: false });
    }
  }

  const forbidHits = expect.forbid.filter((f) => v.forbidHits.some((h) => squash(h).includes(squash(f)) || squash(f).includes(squash(h))));
  const total = hits.reduce((s, h) => s + h.weight, 0);
  const got = hits.filter((h) => h.hit).reduce((s, h) => s + h.weight, 0);
  let completeness: number;
  if (recognition <= 1) {
    completeness = 0;
    reasons.push(m.notRecognised);
  } else if (v.level === 'handoff' && expect.handoff === 'require') {
    completeness = 5;
    reasons.push(m.requiredHandoffHappened);
  } else if (total === 0) {
    completeness = 5;
    reasons.push(m.noKeypoints);
  } else {
    completeness = round((5 * got) / total);
    reasons.push(...hitReasons, m.completeness(completeness, got, total));
  }
  if (forbidHits.length) {
    reasons.push(m.forbidden(forbidHits, completeness > 1));
    completeness = Math.min(completeness, 1);
  }
  if (expect.handoff === 'require' && v.level !== 'handoff' && recognition > 1) {
    reasons.push(m.requiredHandoffMissing(completeness > 2));
    completeness = Math.min(completeness, 2);
  }
  reasons.push(...v.reasons.map((r) => m.judgeSays(r)));
  const topic = v.topic !== 'none' && v.topic !== input.pack ? v.topic : undefined;
  return { index: input.index, recognition, completeness, level: v.level, hits, forbidHits, topic, reasons, grader: 'llm' };
}
