import { z } from 'zod';

// Scenario packs: what researchers write. z.input is the authoring shape,
// z.output what the engine uses. Descriptions end up in scenarios/schema.json.

const id = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]*$/, 'use lower-case letters, digits, ".", "_" and "-"');

const nonEmptyText = z.string().trim().min(1, 'must not be empty');

export const keypointSchema = z
  .strictObject({
    id: id.describe('Unique within the turn; graders report hits by this id'),
    text: nonEmptyText.describe('The point a good answer makes, in one sentence'),
    any: z
      .array(nonEmptyText)
      .min(1, 'must not be empty — list the ways a correct answer can say it')
      .describe('Synonyms: the point is hit when the reply contains any of them'),
    all: z
      .array(nonEmptyText)
      .optional()
      .describe('Optional: every one of these must also appear for a hit'),
    weight: z.number().positive().max(10).default(1),
  })
  .describe('A key point of a complete answer');

export const handoffSchema = z
  .enum(['accept', 'require', 'forbid'])
  .describe('accept: a human handoff is fine; require: only a handoff is right; forbid: the bot must answer itself');

export const expectSchema = z.strictObject({
  intent: z.string().optional().describe('The intent the bot should recognise (defaults to the pack intent)'),
  keypoints: z
    .array(z.union([id.describe('The id of a key point defined in the pack-level `keypoints` list'), keypointSchema]))
    .default([])
    .describe('Key points of a complete answer: inline, or the id of a pack-level key point'),
  forbid: z
    .array(nonEmptyText)
    .default([])
    .describe('Wrong information: any of these in the reply caps completeness at 1'),
  handoff: handoffSchema.optional(),
});

/** A name a case remembers a value under, used later as {{name}}. */
export const memoryName = z
  .string()
  .regex(/^[a-z][a-z0-9_]*$/, 'use a lower-case letter, then letters, digits or "_" (e.g. ticket)');

const pattern = z.string().min(1, 'must not be empty').refine((p) => {
  try {
    new RegExp(p, 'u');
    return true;
  } catch {
    return false;
  }
}, 'not a valid regular expression — check brackets and escapes (in YAML, single-quote it: \'工单号[:：]?\\s*(\\w+)\')');

/** Where a turn may say it is said besides a channel's own name: a channel kind, or a medium. */
export const channelMedia = ['online', 'hotline', 'web', 'wechat', 'api'] as const;

export const turnSchema = z
  .strictObject({
    on: z
      .string()
      .regex(/^[a-z0-9][a-z0-9._-]*$/, 'name a channel of the bank (web, hotline, …) or a kind: online, hotline, web, wechat, api')
      .optional()
      .describe(
        'Cross-channel cases: the channel this turn is said on — a channel of the bank by name (web, hotline), else the first channel of that kind or medium (online, hotline, web, wechat, api). Later turns stay on it until another `on`. A case with `on` runs once per bank, across its channels, in order',
      ),
    say: nonEmptyText.describe('What the customer says; {{name}} is a value remembered by an earlier turn'),
    paraphrases: z
      .array(nonEmptyText)
      .default([])
      .describe('Other ways to say it: colloquial, long-winded, typo, dialect-tinged'),
    click: z.string().optional().describe('On channels with quick replies, press this button instead of typing'),
    focus: z
      .array(nonEmptyText)
      .optional()
      .describe('Optional: the core of the question (e.g. [挂失]); a reply that names none of these, or their lexicon equivalents, is off topic. By default the grader works the focus out from the turn, its key points and the pack intent'),
    expect: expectSchema.default({ keypoints: [], forbid: [] }),
    remember: z
      .record(memoryName, pattern)
      .optional()
      .describe('Values to carry to later turns, found in this turn\'s replies: name → regular expression (its first group, else the whole match), e.g. { ticket: \'(FK\\d+)\' }; later turns say {{ticket}}'),
  })
  .describe('One customer message and what a good reply contains');

export const replyRuleSchema = z.strictObject({
  when: z.array(nonEmptyText).min(1, 'must not be empty — list words of the bot that trigger this reply'),
  say: nonEmptyText,
});

export const caseSchema = z.strictObject({
  id,
  name: z.string().optional(),
  tags: z.array(z.string()).default([]),
  turns: z.array(turnSchema).min(1, 'a case needs at least one turn'),
  replies: z
    .array(replyRuleSchema)
    .default([])
    .describe('How the simulated customer answers when the bot asks for something'),
});

export const channelKindSchema = z.enum(['online', 'hotline']);

export const packSchema = z.strictObject({
  $schema: z.string().optional(),
  id,
  name: nonEmptyText,
  locale: z.string().default('zh-CN'),
  intent: z.strictObject({ id: nonEmptyText, description: nonEmptyText }),
  channels: z.array(channelKindSchema).default(['online', 'hotline']),
  keypoints: z
    .array(keypointSchema)
    .default([])
    .describe('Key points shared by several turns; a turn names them by id'),
  cases: z.array(caseSchema).min(1, 'a pack needs at least one case'),
});

// What the engine uses: a pack after loading, with key-point references resolved.
export type Keypoint = z.output<typeof keypointSchema>;
export type Expect = Omit<z.output<typeof expectSchema>, 'keypoints'> & { keypoints: Keypoint[] };
export type ScenarioTurn = Omit<z.output<typeof turnSchema>, 'expect'> & { expect: Expect };
export type ScenarioCase = Omit<z.output<typeof caseSchema>, 'turns'> & { turns: ScenarioTurn[] };
export type Pack = Omit<z.output<typeof packSchema>, 'cases'> & { cases: ScenarioCase[] };
/** What authors write. */
export type PackInput = z.input<typeof packSchema>;

// The locale file: phrases and tables shared by every pack of a locale.
export const localeSchema = z.strictObject({
  $schema: z.string().optional(),
  locale: z.string(),
  fallback: z
    .array(nonEmptyText)
    .min(1)
    .describe('Phrases of a bot that did not understand ("没有理解", "换个说法", …)'),
  handoff: z.array(nonEmptyText).min(1).describe('Phrases of a transfer to a human agent'),
  clarify: z.array(nonEmptyText).default([]).describe('Phrases of a bot asking which thing the customer means'),
  related: z
    .array(nonEmptyText)
    .default([])
    .describe('Phrases that introduce related questions after an answer ("猜你想问", "您可能还想了解"): what follows is not a menu and not part of the answer'),
  lexicon: z
    .array(z.array(nonEmptyText).min(2, 'a group needs at least two words that mean the same'))
    .default([])
    .describe('Banking lexicon: groups of words that mean the same (the first is the canonical word), e.g. [手机银行, 手机APP, 掌上银行, mobile banking]; replies and key points are read with every word of a group as its first'),
  businesses: z
    .array(nonEmptyText)
    .default([])
    .describe('The businesses and products of a bank (修改密码, 转账, 贷款, 信用卡, …): a reply about one that the question and its scenario never name answers another question'),
  numerals: z.record(z.string(), z.string()).default({}).describe('Chinese numerals → digits, applied in normalisation'),
  synonyms: z
    .record(z.string(), z.string())
    .default({})
    .describe('Variant words → the canonical word, applied in normalisation (e.g. 手机APP → 手机银行)'),
});
export type Locale = z.output<typeof localeSchema>;

export { caseIn } from './case-index.ts';
