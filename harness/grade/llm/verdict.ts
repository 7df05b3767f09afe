import { z } from 'zod';
import type { Expect } from '../../config/scenario.ts';
import type { Exchange, KeypointHit, RecognitionLevel, TurnGrade } from '../../types.ts';

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

const levelScore: Record<Exclude<RecognitionLevel, 'handoff'>, number> = {
  first: 5,
  'after-clarify': 4,
  'after-rephrase': 3,
  'off-topic': 1,
  fallback: 0,
  silence: 0,
  error: 0,
};

const squash = (s: string) => s.replace(/\s+/g, '');
const round = (v: number) => Math.round(v * 100) / 100;

/** Turns a verdict into a TurnGrade by the rubric (DESIGN.md "Grading"). */
export function scoreVerdict(v: Verdict, input: { expect: Expect; pack: string; index: number; exchanges: Exchange[] }): TurnGrade {
  const { expect } = input;
  const reasons: string[] = [];
  const replies = squash(input.exchanges.map((e) => e.reply.text).join('\n'));
  const handoffOk = expect.handoff === 'accept' || expect.handoff === 'require';
  const recognition = v.level === 'handoff' ? (handoffOk ? 5 : 0) : levelScore[v.level];
  reasons.push(`识别：${v.level}（${recognition}分）${v.level === 'handoff' && !handoffOk ? '，本题不接受转人工' : ''}`);

  const said = new Map(v.keypoints.map((k) => [k.id, k]));
  const hits: KeypointHit[] = expect.keypoints.map((kp) => {
    const judged = said.get(kp.id);
    if (!judged?.hit) {
      reasons.push(`未命中关键点 ${kp.id}（${kp.text}）`);
      return { id: kp.id, weight: kp.weight, hit: false };
    }
    // The quoted evidence must really be in the reply: a claim the bot never made is no hit.
    if (!judged.evidence.trim() || !replies.includes(squash(judged.evidence))) {
      reasons.push(`关键点 ${kp.id}：评审引用的证据不在回复中，不计`);
      return { id: kp.id, weight: kp.weight, hit: false };
    }
    reasons.push(`命中关键点 ${kp.id}：“${judged.evidence}”`);
    return { id: kp.id, weight: kp.weight, hit: true, how: 'llm', matched: judged.evidence };
  });

  const forbidHits = expect.forbid.filter((f) => v.forbidHits.some((h) => squash(h).includes(squash(f)) || squash(f).includes(squash(h))));
  const total = hits.reduce((s, h) => s + h.weight, 0);
  const got = hits.filter((h) => h.hit).reduce((s, h) => s + h.weight, 0);
  let completeness: number;
  if (recognition <= 1) {
    completeness = 0;
    reasons.push('未识别问题，解答得0分');
  } else {
    completeness = total === 0 ? 5 : (5 * got) / total;
  }
  if (forbidHits.length && completeness > 1) {
    completeness = 1;
    reasons.push(`含错误信息（${forbidHits.join('、')}），解答最高1分`);
  }
  if (expect.handoff === 'require' && v.level !== 'handoff' && completeness > 1) {
    completeness = 1;
    reasons.push('本题需要转人工，机器人未转，解答最高1分');
  }
  reasons.push(...v.reasons.map((r) => `评审：${r}`));
  const topic = v.topic !== 'none' && v.topic !== input.pack ? v.topic : undefined;
  return { index: input.index, recognition, completeness: round(completeness), level: v.level, hits, forbidHits, topic, reasons, grader: 'llm' };
}
