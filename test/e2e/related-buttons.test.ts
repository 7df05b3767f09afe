import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.ts';

// Nearly every bank bot shows "猜你想问" buttons after an answer, usually about
// something else. They are not a menu: the same answers with and without them
// score the same, and the simulated customer never clicks them.

const related = ['信用卡还款', '理财产品推荐', '附近网点', '外汇牌价查询', '贷款利率', '积分兑换礼品', '基金定投', '手机银行转账限额'];

function turnScores(dir: string): Map<string, string> {
  const [head, ...rows] = readFileSync(join(dir, 'results.csv'), 'utf8').replace(/^\uFEFF/, '').trim().split('\n');
  const cols = head.split(',');
  const at = (name: string) => cols.indexOf(name);
  const out = new Map<string, string>();
  for (const row of rows) {
    const c = row.split(',');
    out.set(`${c[at('conversation')]} turn ${c[at('turn')]}`, [c[at('level')], c[at('recognition')], c[at('completeness')], c[at('topic')]].join(' '));
  }
  return out;
}

describe('related-question buttons after an answer (demo bank, all eight packs, real CLI)', () => {
  it('change no score, and the customer never clicks them', async () => {
    const root = tempDir();
    const plain = join(root, 'plain');
    const withButtons = join(root, 'related');
    // The core cases of every pack, with and without the buttons: independent runs, at once.
    const plan = ['run', '--bank', 'demo', '--channel', 'api', '--tag', 'core', '--progress', 'none'];
    const [a, b] = await Promise.all([
      runCli([...plan, '--out', plain], { timeoutMs: 240_000 }),
      runCli([...plan, '--out', withButtons, '--set', 'embeddedOptions.brain.relatedQuestions=true'], { timeoutMs: 240_000 }),
    ]);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);

    const records = readFileSync(join(withButtons, 'results.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(new Set(records.map((r) => r.pack)).size).toBe(8);
    const exchanges = records.flatMap((r) => r.turns.flatMap((t: any) => t.exchanges));
    const shown = exchanges.filter((e: any) => e.reply.buttons.length >= 2 && e.reply.buttons.every((x: string) => related.includes(x)));
    // The option really puts 2–4 unrelated buttons after most answers...
    expect(shown.length).toBeGreaterThan(records.length / 2);
    for (const e of shown) expect(e.reply.buttons.length).toBeLessThanOrEqual(4);
    // ...and no one presses them.
    expect(exchanges.filter((e: any) => related.includes(e.utterance.click ?? e.utterance.text))).toEqual([]);

    const before = turnScores(plain);
    const after = turnScores(withButtons);
    expect(after.size).toBe(before.size);
    const changed = [...before].filter(([k, v]) => after.get(k) !== v).map(([k, v]) => `${k}: ${v} → ${after.get(k)}`);
    expect(changed).toEqual([]);
    const sa = JSON.parse(readFileSync(join(plain, 'summary.json'), 'utf8'));
    const sb = JSON.parse(readFileSync(join(withButtons, 'summary.json'), 'utf8'));
    expect(sb.channels.api.scenarios).toEqual(sa.channels.api.scenarios);
  }, 300_000);
});
