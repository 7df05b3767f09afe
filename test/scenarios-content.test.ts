import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { localeSchema, packSchema, type Locale, type Pack } from '../harness/config/scenario.ts';

// The zh-CN packs are the benchmark itself: these tests hold them to the
// content rules of the design (coverage, paraphrase variety, key points that a
// correct answer in other words still hits, and no self-fulfilling synonyms).

const dir = join(import.meta.dirname, '..', 'scenarios', 'zh-CN');

const expectedIntents: Record<string, string> = {
  'account-opening': 'account.open',
  'account-closing': 'account.close',
  'card-loss': 'card.report_loss',
  'balance-inquiry': 'balance.inquiry',
  'branch-lookup': 'branch.lookup',
  'feedback-lookup': 'feedback.lookup',
  'complaint-suggestion': 'complaint.submit',
  'info-inquiry': 'info.reserved_phone',
};

const exampleQuestions: Record<string, string[]> = {
  'account-opening': ['想开户怎么办？', '在外地是否能异地开户？', '朋友是否可代办？', '是否有费用收取？'],
  'card-loss': ['钱包丢失怎么办？', '卡里余额莫名变少了怎么办？', '卡丢失怎么办？', '绑卡手机丢失如何处理？'],
  'balance-inquiry': ['余额查询渠道有哪些？', '余额变动是否有通知？', '如何办理、是否收费？'],
  'feedback-lookup': ['朋友反馈的信息是否可帮忙查询？', '上次通过其他渠道反馈的信息是否可查询？'],
  'branch-lookup': ['查询附近网点地址', '查询网点电话'],
  'info-inquiry': ['查询预留手机号', '如何修改预留手机号'],
};

// Colloquial dialect markers (北方话、东北话、吴语、西南官话、粤语…).
const dialectMarkers = /咋|啥|整|弄|俺|侬|晓得|伐|嘛|嘞|咧|恁|啷个|莫得|没得|中不|嘎达|哪嘎|唔|冇|咩|乜|撒子|啥子|要得|搞|晓不晓得|得劲/;

// Words that a negation turns around ("不可以…" contains "可以…"): a forbid
// phrase starting with one of them would also catch the correct answer.
const negatable = /^(可|能|需|要|用|会|是|有|必须|允许|支持)/;

const packFiles = readdirSync(dir).filter((f) => f.endsWith('.yaml') && !f.startsWith('_'));
const sources = new Map(packFiles.map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
const parsed = packFiles.map((f) => ({ file: f, result: packSchema.safeParse(parse(sources.get(f)!)) }));
const packs: Pack[] = parsed.flatMap(({ result }) => (result.success ? [result.data] : []));
const locale: Locale = localeSchema.parse(parse(readFileSync(join(dir, '_locale.yaml'), 'utf8')));

// A close cousin of the grader's normalisation, enough to compare a pack's
// own strings with each other: NFKC, lower case, no punctuation or spaces,
// numerals, then synonyms (longest first).
const synonymKeys = Object.keys(locale.synonyms).sort((a, b) => b.length - a.length);
function normalise(text: string): string {
  let s = text.normalize('NFKC').toLowerCase().replace(/[\p{P}\p{S}\s]/gu, '');
  s = [...s].map((ch) => locale.numerals[ch] ?? ch).join('');
  for (const key of synonymKeys) s = s.split(key).join(locale.synonyms[key]);
  return s;
}

const allTurns = packs.flatMap((pack) =>
  pack.cases.flatMap((c) => c.turns.map((turn, i) => ({ pack, c, turn, where: `${pack.id}/${c.id}#${i}` }))),
);

describe('zh-CN scenario packs', () => {
  it('are all valid against the pack schema', () => {
    const issues = parsed.flatMap(({ file, result }) =>
      result.success ? [] : result.error.issues.map((i) => `${file} ${i.path.join('.')}: ${i.message}`),
    );
    expect(issues).toEqual([]);
  });

  it('has the eight scenarios, each with its intent id, and each file points editors at the schema', () => {
    expect(Object.fromEntries(packs.map((p) => [p.id, p.intent.id]))).toEqual(expectedIntents);
    expect(packFiles.sort()).toEqual(Object.keys(expectedIntents).map((id) => `${id}.yaml`).sort());
    for (const f of packFiles) {
      expect(sources.get(f)!.startsWith('# yaml-language-server: $schema=../schema.json\n'), f).toBe(true);
    }
  });

  it('gives every scenario at least eight cases with unique ids, two of them multi-turn', () => {
    for (const pack of packs) {
      expect(pack.cases.length, pack.id).toBeGreaterThanOrEqual(8);
      const ids = pack.cases.map((c) => c.id);
      expect(new Set(ids).size, `${pack.id}: duplicate case id`).toBe(ids.length);
      const multi = pack.cases.filter((c) => c.turns.length > 1);
      expect(multi.length, `${pack.id}: multi-turn cases`).toBeGreaterThanOrEqual(2);
      for (const c of pack.cases) {
        expect(c.tags.includes('multi-turn'), `${pack.id}/${c.id}: multi-turn tag`).toBe(c.turns.length > 1);
      }
    }
  });

  it('tags one quick case and three or four core cases per scenario', () => {
    for (const pack of packs) {
      expect(pack.cases.filter((c) => c.tags.includes('quick')).length, pack.id).toBe(1);
      const core = pack.cases.filter((c) => c.tags.includes('core')).length;
      expect(core, pack.id).toBeGreaterThanOrEqual(3);
      expect(core, pack.id).toBeLessThanOrEqual(4);
    }
  });

  it('words every customer message at least three more ways, one of them dialect-tinged', () => {
    const problems: string[] = [];
    for (const { turn, where } of allTurns) {
      if (turn.paraphrases.length < 3) problems.push(`${where}: ${turn.paraphrases.length} paraphrases`);
      const variants = [turn.say, ...turn.paraphrases].map(normalise);
      if (new Set(variants).size !== variants.length) problems.push(`${where}: repeated paraphrase`);
      if (!turn.paraphrases.some((p) => dialectMarkers.test(p))) problems.push(`${where}: no dialect-tinged paraphrase`);
    }
    expect(problems).toEqual([]);
  });

  it('covers every example question of the survey word for word', () => {
    const missing: string[] = [];
    for (const [packId, questions] of Object.entries(exampleQuestions)) {
      const says = packs.filter((p) => p.id === packId).flatMap((p) => p.cases.flatMap((c) => c.turns.map((t) => t.say)));
      missing.push(...questions.filter((q) => !says.includes(q)).map((q) => `${packId}: ${q}`));
    }
    expect(missing).toEqual([]);
  });

  it('grades every turn on two to four key points with wide synonym lists and one essential point', () => {
    const problems: string[] = [];
    for (const { turn, where } of allTurns) {
      const kps = turn.expect.keypoints;
      if (kps.length < 2 || kps.length > 4) problems.push(`${where}: ${kps.length} key points`);
      if (new Set(kps.map((k) => k.id)).size !== kps.length) problems.push(`${where}: duplicate key point id`);
      if (kps.filter((k) => k.weight === 2).length !== 1) problems.push(`${where}: not exactly one essential (weight 2) point`);
      for (const kp of kps) {
        if (kp.any.length < 6 || kp.any.length > 15) problems.push(`${where} ${kp.id}: ${kp.any.length} synonyms`);
        if (new Set(kp.any.map(normalise)).size !== kp.any.length) problems.push(`${where} ${kp.id}: repeated synonym`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('writes synonyms in their canonical form, so a reply normalised by the locale can still hit them', () => {
    const problems: string[] = [];
    for (const { turn, where } of allTurns) {
      for (const kp of turn.expect.keypoints) {
        for (const word of kp.any) {
          const lowered = word.normalize('NFKC').toLowerCase();
          const key = synonymKeys.find((k) => lowered.includes(k));
          if (key) problems.push(`${where} ${kp.id}: "${word}" holds the variant "${key}" (write "${locale.synonyms[key]}")`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('does not let a bot score by echoing the question', () => {
    const problems: string[] = [];
    for (const { turn, where } of allTurns) {
      const asked = [turn.say, ...turn.paraphrases].map(normalise);
      for (const kp of turn.expect.keypoints) {
        for (const word of kp.any) {
          const w = normalise(word);
          const echoed = asked.find((q) => q.includes(w));
          if (echoed) problems.push(`${where} ${kp.id}: "${word}" is in "${echoed}"`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('keeps forbidden phrases clear of negations and of the key points themselves', () => {
    const problems: string[] = [];
    for (const { turn, where } of allTurns) {
      const hits = turn.expect.keypoints.flatMap((k) => k.any.map(normalise));
      for (const phrase of turn.expect.forbid) {
        if (negatable.test(phrase)) problems.push(`${where}: "${phrase}" is also in its negation`);
        const f = normalise(phrase);
        if (hits.some((h) => h.includes(f))) problems.push(`${where}: "${phrase}" is inside a key point synonym`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('lets the simulated customer decline to give card or ID numbers where a bot may ask', () => {
    for (const pack of packs) {
      const withRules = pack.cases.filter((c) => c.replies.some((r) => r.when.some((w) => /卡号|身份证号|手机号/.test(w))));
      expect(withRules.length, pack.id).toBeGreaterThanOrEqual(pack.id === 'account-opening' || pack.id === 'branch-lookup' ? 0 : 1);
    }
  });

  it('requires a human for at least one complaint and accepts one where a human is fine', () => {
    const complaint = packs.find((p) => p.id === 'complaint-suggestion')!;
    const handoffs = complaint.cases.map((c) => c.turns.at(-1)!.expect.handoff);
    expect(handoffs).toContain('require');
    expect(allTurns.some(({ turn }) => turn.expect.handoff === 'accept')).toBe(true);
  });
});

describe('zh-CN locale', () => {
  it('lists fallback, handoff and clarify phrases a bot uses', () => {
    expect(locale.locale).toBe('zh-CN');
    expect(locale.fallback.length).toBeGreaterThanOrEqual(20);
    for (const p of ['没有理解', '换个说法', '请您再说一遍', '我还在学习']) expect(locale.fallback).toContain(p);
    for (const p of ['转人工', '人工客服', '为您转接', '坐席']) expect(locale.handoff).toContain(p);
    for (const p of ['您是想问', '请选择']) expect(locale.clarify).toContain(p);
  });

  it('turns Chinese numerals into digits and variants into the canonical word', () => {
    expect(normalise('预留手机号码是一三八')).toBe('预留手机号是138');
    expect(normalise('请下载手机APP或到营业厅，携带身份证件')).toBe('请下载手机银行或到网点携带身份证');
  });

  it('keeps synonym keys free of numerals and canonical words free of other variants', () => {
    const numeralChars = Object.keys(locale.numerals);
    for (const [key, canonical] of Object.entries(locale.synonyms)) {
      expect(key, 'keys are lower case').toBe(key.toLowerCase());
      expect(numeralChars.some((n) => key.includes(n)), `${key} holds a numeral`).toBe(false);
      expect(synonymKeys.filter((k) => canonical.includes(k)), `${canonical} holds a variant`).toEqual([]);
    }
  });

  it('accepts a handoff wherever a key point counts a human agent as part of the answer', () => {
    const handoffPhrases = locale.handoff.map(normalise);
    const problems: string[] = [];
    for (const { turn, where } of allTurns) {
      const words = turn.expect.keypoints.flatMap((k) => k.any.map(normalise));
      const human = words.filter((w) => handoffPhrases.some((h) => w.includes(h) || h.includes(w)));
      if (human.length && !turn.expect.handoff?.match(/accept|require/)) problems.push(`${where}: ${human.join(', ')}`);
    }
    expect(problems).toEqual([]);
  });

  it('does not mistake a good answer for a fallback', () => {
    // Every key-point synonym is a piece of a correct answer: none may read as "did not understand".
    const answers = allTurns.flatMap(({ turn }) => turn.expect.keypoints.flatMap((k) => k.any)).map(normalise);
    for (const phrase of locale.fallback.map(normalise)) {
      expect(answers.filter((a) => a.includes(phrase)), phrase).toEqual([]);
    }
  });
});
