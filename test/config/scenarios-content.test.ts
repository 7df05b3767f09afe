import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pinyin } from 'pinyin-pro';
import { describe, expect, it } from 'vitest';
import { formatProblem, type ConfigProblem } from '../../harness/errors.ts';
import { loadLocaleFile, loadPackFile } from '../../harness/config/load.ts';
import { readYaml } from '../../harness/config/yaml.ts';
import type { Locale, Pack } from '../../harness/config/scenario.ts';
import { analyseReply } from '../../harness/grade/analyse.ts';
import { normalise as gradeNormalise } from '../../harness/grade/normalise.ts';
import type { GradeContext } from '../../harness/grade/types.ts';

// The zh-CN packs are the benchmark itself: these tests hold them to the
// content rules of the design (coverage, paraphrase variety, key points that a
// correct answer in other words still hits, no self-fulfilling synonyms), and
// read them through the same loader and normalisation the grader uses.

const dir = join(import.meta.dirname, '..', '..', 'scenarios', 'zh-CN');

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

// Colloquial dialect markers (北方话、东北话、吴语、西南官话…).
const dialectMarkers = /咋|啥|整|弄|俺|侬|晓得|伐|嘛|恁|莫得|没得|中不|嘎达|阿拉|屋里人|当家的|得劲/;

const packFiles = readdirSync(dir).filter((f) => f.endsWith('.yaml') && !f.startsWith('_'));
const loaded = packFiles.map((f) => ({ file: f, path: join(dir, f), ...loadPackFile(join(dir, f)) }));
const packs: Pack[] = loaded.flatMap((l) => (l.pack ? [l.pack] : []));
const localeLoad = loadLocaleFile(join(dir, '_locale.yaml'));
const locale = localeLoad.locale as Locale;
const normalise = (text: string) => gradeNormalise(text, locale);
const synonymKeys = Object.keys(locale?.synonyms ?? {}).map((k) => k.normalize('NFKC').toLowerCase());

/** Every turn of every pack, with its file:line for messages a pack author can follow. */
const allTurns = loaded.flatMap(({ file, path, pack }) => {
  if (!pack) return [];
  const source = readYaml(path);
  return pack.cases.flatMap((c, ci) =>
    c.turns.map((turn, ti) => {
      const { line, col } = source.at(['cases', ci, 'turns', ti]);
      return { pack, c, turn, index: ti, where: `${file}:${line}:${col} ${c.id}#${ti}` };
    }),
  );
});

function ctx(): GradeContext {
  return { packs, locale, cannedReplies: new Set(), fuzzyThreshold: 0.8 };
}

describe('zh-CN scenario packs', () => {
  it('all load without problems, as `harness validate` would load them', () => {
    const problems: ConfigProblem[] = [...loaded.flatMap((l) => l.problems), ...localeLoad.problems];
    expect(problems.map(formatProblem)).toEqual([]);
  });

  it('has the eight scenarios, each with its intent id, and each file points editors at the schema', () => {
    expect(Object.fromEntries(packs.map((p) => [p.id, p.intent.id]))).toEqual(expectedIntents);
    expect([...packFiles].sort()).toEqual(Object.keys(expectedIntents).map((id) => `${id}.yaml`).sort());
    for (const f of packFiles) {
      expect(readFileSync(join(dir, f), 'utf8').startsWith('# yaml-language-server: $schema=../schema.json\n'), f).toBe(true);
    }
  });

  it('gives every scenario at least eight cases with unique ids, two of them multi-turn', () => {
    for (const pack of packs) {
      expect(pack.cases.length, pack.id).toBeGreaterThanOrEqual(8);
      const ids = pack.cases.map((c) => c.id);
      expect(new Set(ids).size, `${pack.id}: duplicate case id`).toBe(ids.length);
      expect(pack.cases.filter((c) => c.turns.length > 1).length, `${pack.id}: multi-turn cases`).toBeGreaterThanOrEqual(2);
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

  it('types one paraphrase of every message with a homophone slip, as a pinyin keyboard does', () => {
    const readings = (ch: string) => new Set(pinyin(ch, { toneType: 'none', multiple: true, type: 'array' }) as string[]);
    const sounds = (a: string, b: string) => /[a-z]/i.test(a + b) || [...readings(a)].some((r) => readings(b).has(r));
    const slip = (say: string, p: string) => {
      const a = [...say];
      const b = [...p];
      if (a.length !== b.length) return false;
      const diffs = a.map((ch, i) => [ch, b[i]]).filter(([x, y]) => x !== y);
      return diffs.length >= 1 && diffs.length <= 3 && diffs.every(([x, y]) => sounds(x, y));
    };
    const missing = allTurns.filter(({ turn }) => !turn.paraphrases.some((p) => slip(turn.say, p))).map(({ turn, where }) => `${where}: ${turn.say}`);
    expect(missing).toEqual([]);
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
      if (kps.filter((k) => k.weight === 2).length !== 1) problems.push(`${where}: not exactly one essential (weight 2) point`);
      for (const kp of kps) {
        if (kp.any.length < 6 || kp.any.length > 15) problems.push(`${where} ${kp.id}: ${kp.any.length} synonyms`);
        if (new Set(kp.any.map(normalise)).size !== kp.any.length) problems.push(`${where} ${kp.id}: two synonyms normalise alike`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('writes synonyms in their canonical form, as the locale rewrites replies', () => {
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
          const echoed = asked.find((q) => q.includes(normalise(word)));
          if (echoed) problems.push(`${where} ${kp.id}: "${word}" is in "${echoed}"`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('does not let a short number hit inside a longer one ("5天" in "15天")', () => {
    const problems: string[] = [];
    for (const { turn, where } of allTurns) {
      for (const kp of turn.expect.keypoints) {
        for (const word of kp.any) {
          const n = normalise(word);
          // Ⅱ类 / Ⅲ类 read as 2类 / 3类: account classes have no two-digit cousins.
          if (/^\d(?!\d)/.test(n) && !/^\d类/.test(n)) problems.push(`${where} ${kp.id}: "${word}" also matches 1${n} — anchor it ("为${n}", "满${n}")`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('never forbids what a key point asks for', () => {
    const problems: string[] = [];
    for (const { turn, where } of allTurns) {
      const hits = turn.expect.keypoints.flatMap((k) => k.any.map(normalise));
      for (const phrase of turn.expect.forbid) {
        if (hits.some((h) => h.includes(normalise(phrase)))) problems.push(`${where}: "${phrase}" is inside a key point synonym`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('gives full marks to an answer that says each key point in its own words', () => {
    // A key point's `text` is how a good answer states it: the grader must
    // find it by its synonyms, on topic, with nothing forbidden in it.
    const problems: string[] = [];
    for (const { pack, c, turn, index, where } of allTurns) {
      const text = turn.expect.keypoints.map((k) => k.text).join('。');
      const reply = { text, messages: [{ text }], buttons: [], latency: { firstMs: 1, settledMs: 1 } };
      const a = analyseReply(reply, { pack, case: c, turnIndex: index, transcribed: false }, ctx());
      const missed = a.hits.filter((h) => !h.hit).map((h) => h.id);
      if (missed.length) problems.push(`${where}: the key point text misses its own synonyms (${missed.join(', ')})`);
      if (a.forbidHits.length) problems.push(`${where}: the key point text says forbidden ${a.forbidHits.join(', ')}`);
      const handoffOk = a.kind === 'handoff' && (turn.expect.handoff === 'accept' || turn.expect.handoff === 'require');
      if (a.kind !== 'on-topic' && !handoffOk) problems.push(`${where}: a full answer reads as ${a.kind} (${a.why})`);
    }
    expect(problems).toEqual([]);
  });

  it('rarely lets a full answer to another scenario pass as an answer here', () => {
    // Every turn against every other pack's model answer (~6,800 pairs): a
    // pair "passes" when it reads as on topic with 60 % of the weight hit.
    // Scenarios do share some truths (closing a lost card starts with 挂失),
    // so the bar is a rate, not zero.
    const answers = allTurns.map((t) => ({ ...t, text: t.turn.expect.keypoints.map((k) => k.text).join('。') }));
    let pairs = 0;
    const passing: string[] = [];
    for (const q of allTurns) {
      for (const a of answers) {
        if (a.pack.id === q.pack.id) continue;
        pairs++;
        const reply = { text: a.text, messages: [{ text: a.text }], buttons: [], latency: { firstMs: 1, settledMs: 1 } };
        const r = analyseReply(reply, { pack: q.pack, case: q.c, turnIndex: q.index, transcribed: false }, ctx());
        if (r.kind === 'on-topic' && r.hitWeight >= 0.6 * r.totalWeight) passing.push(`${q.where} ← ${a.pack.id}/${a.c.id}#${a.index}`);
      }
    }
    expect(pairs).toBeGreaterThan(5000);
    expect(passing.length / pairs, passing.slice(0, 20).join('\n')).toBeLessThan(0.02);
  });

  it('accepts a handoff wherever a key point counts a human agent as part of the answer', () => {
    const handoffPhrases = locale.handoff.map(normalise);
    const problems: string[] = [];
    for (const { turn, where } of allTurns) {
      const words = turn.expect.keypoints.flatMap((k) => k.any.map(normalise));
      const human = words.filter((w) => handoffPhrases.some((h) => w.includes(h) || h.includes(w)));
      if (human.length && turn.expect.handoff !== 'accept' && turn.expect.handoff !== 'require') problems.push(`${where}: ${human.join(', ')}`);
    }
    expect(problems).toEqual([]);
  });

  it('lets the simulated customer decline to give card or ID numbers where a bot may ask', () => {
    for (const pack of packs) {
      if (pack.id === 'account-opening' || pack.id === 'branch-lookup') continue;
      const declining = pack.cases.filter((c) => c.replies.some((r) => r.when.includes('卡号') && r.when.includes('身份证号')));
      expect(declining.length, pack.id).toBeGreaterThanOrEqual(1);
    }
  });

  it('requires a human for an angry complaint and accepts one where a human is fine', () => {
    const complaint = packs.find((p) => p.id === 'complaint-suggestion')!;
    expect(complaint.cases.find((c) => c.id === 'angry-wants-agent')?.turns[0].expect.handoff).toBe('require');
    expect(allTurns.filter(({ turn }) => turn.expect.handoff === 'accept').length).toBeGreaterThanOrEqual(8);
  });
});

describe('zh-CN locale', () => {
  it('lists the fallback, handoff and clarify phrases bots use', () => {
    expect(locale.locale).toBe('zh-CN');
    expect(locale.fallback.length).toBeGreaterThanOrEqual(20);
    for (const p of ['没有理解', '换个说法', '请您再说一遍', '我还在学习', '抱歉我不知道']) expect(locale.fallback).toContain(p);
    for (const p of ['转人工', '人工客服', '为您转接', '正在为您接通', '坐席', '客服专员']) expect(locale.handoff).toContain(p);
    for (const p of ['您是想问', '请问您要咨询的是', '请选择', '以下哪个问题']) expect(locale.clarify).toContain(p);
  });

  it('reads numerals as digits and variants as the canonical word', () => {
    expect(normalise('临时挂失有效期五天，投诉十五日内答复，拨打一二三七八')).toBe('临时挂失有效期5天投诉15日内答复拨打12378');
    expect(normalise('预留手机号码')).toBe('预留手机号');
    expect(normalise('请下载手机APP或到营业厅，携带身份证件')).toBe('请下载手机银行或到网点携带身份证');
    expect(normalise('拨打服务热线办理口头挂失')).toBe('拨打客服热线办理临时挂失');
  });

  it('keeps canonical words free of other variants, so one rewrite is enough', () => {
    const canonical = Object.values(locale.synonyms).map((c) => c.normalize('NFKC').toLowerCase());
    const chained = canonical.flatMap((c) => synonymKeys.filter((k) => c.includes(k)).map((k) => `${c} holds ${k}`));
    expect(chained).toEqual([]);
  });

  it('does not read a good answer as a fallback', () => {
    const answers = allTurns.flatMap(({ turn }) => turn.expect.keypoints.flatMap((k) => [k.text, ...k.any])).map(normalise);
    for (const phrase of locale.fallback.map(normalise)) {
      expect(answers.filter((a) => a.includes(phrase)), phrase).toEqual([]);
    }
  });
});
