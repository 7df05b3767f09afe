import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pinyin } from 'pinyin-pro';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseDocument } from 'yaml';
import { loadPackFile } from '../../harness/config/load.ts';
import { startChatCompletionsServer, type ChatCompletionsServer } from '../fixtures/chat-completions-server.ts';
import { ROOT, runCli, tempDir } from '../helpers/cli.ts';

// harness expand as a researcher runs it: proposals from an OpenAI-compatible
// endpoint (the local stand-in) and the offline generators go to a review
// file; the pack changes only with --apply, only by the accepted lines, and
// keeps its comments and layout.

const KEY = 'sk-test-expand';
let server: ChatCompletionsServer;
beforeAll(async () => {
  server = await startChatCompletionsServer({ apiKey: KEY });
});
afterAll(async () => {
  await server?.close();
});

const llmEnv = () => ({ OPENAI_BASE_URL: server.url, OPENAI_API_KEY: KEY, OPENAI_MODEL: 'stand-in-1' });
const noLlmEnv = { OPENAI_BASE_URL: '', OPENAI_API_KEY: '' };

function workspace(): { dir: string; pack: string; original: string } {
  const dir = tempDir('harness-expand-');
  const pack = join(dir, 'card-loss.yaml');
  copyFileSync(join(ROOT, 'scenarios/zh-CN/card-loss.yaml'), pack);
  return { dir, pack, original: readFileSync(pack, 'utf8') };
}

const toneless = (s: string) => pinyin(s, { toneType: 'none', type: 'array' }).join(' ');

describe('harness expand', () => {
  it('proposes every style through the chat-completions endpoint plus the offline generators, into a review file only', async () => {
    const { dir, pack, original } = workspace();
    const before = server.requests;
    const r = await runCli(['expand', 'card-loss.yaml', '--case', 'lost-card,wallet-lost'], { cwd: dir, env: llmEnv() });
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(pack, 'utf8')).toBe(original);
    // One request per turn of the two cases, the question quoted, the styles asked for.
    expect(server.requests - before).toBe(2);
    const bodies = server.bodies.slice(-2);
    expect(bodies.map((b) => b.model)).toEqual(['stand-in-1', 'stand-in-1']);
    expect(bodies[0].messages[1].content).toContain('<<<QUESTION\n卡丢失怎么办？\nQUESTION>>>');
    expect(bodies[0].response_format.json_schema.schema.properties.paraphrases.items.properties.style.enum).toEqual(['colloquial', 'long-winded', 'typo', 'dialect', 'traditional']);
    expect(server.violations).toEqual([]);

    const reviewText = readFileSync(join(dir, 'card-loss.review.yaml'), 'utf8');
    expect(reviewText).toMatch(/^# .*harness expand/);
    expect(reviewText).toContain('harness expand --apply card-loss.review.yaml');
    const review = parse(reviewText);
    expect(review.proposals.map((p: any) => [p.case, p.turn, p.say])).toEqual([['lost-card', 1, '卡丢失怎么办？'], ['wallet-lost', 1, '钱包丢失怎么办？']]);
    const lines = review.proposals[0].lines;
    expect(lines.every((l: any) => l.accept === false)).toBe(true);
    const llm = lines.filter((l: any) => l.source === 'llm stand-in-1');
    expect(llm.map((l: any) => l.style).sort()).toEqual(['colloquial', 'dialect', 'long-winded', 'traditional', 'typo']);
    expect(llm.find((l: any) => l.style === 'colloquial').text).toBe('卡丢失怎么办，咋整');
    // The model's echo of the question and its two-line answer never reach the reviewer.
    expect(lines.some((l: any) => l.text === '卡丢失怎么办？' || l.text.includes('\n'))).toBe(false);
    expect(lines.filter((l: any) => l.source === 'offline pinyin').length).toBeGreaterThan(0);
    // The offline traditional line equals the model's, so it is listed once.
    expect(lines.filter((l: any) => l.style === 'traditional').map((l: any) => l.text)).toEqual(['卡丟失怎麼辦？']);
    expect(review.proposals[1].lines.filter((l: any) => l.style === 'traditional').map((l: any) => l.text)).toEqual(['錢包丟失怎麼辦？']);
  });

  it('works offline: typos that sound like the question and the traditional script, with no request sent', async () => {
    const { dir } = workspace();
    const before = server.requests;
    const r = await runCli(['expand', 'card-loss.yaml', '--case', 'stolen-at-night', '--offline', '--out', 'night.yaml'], { cwd: dir, env: llmEnv() });
    expect(r.code, r.stderr).toBe(0);
    expect(server.requests).toBe(before);
    const [proposal] = parse(readFileSync(join(dir, 'night.yaml'), 'utf8')).proposals;
    const typos = proposal.lines.filter((l: any) => l.style === 'typo').map((l: any) => l.text as string);
    expect(typos.length).toBe(2);
    for (const t of typos) {
      expect(t).not.toBe(proposal.say);
      expect([...t].filter((c, i) => c !== [...proposal.say][i])).toHaveLength(1);
      expect(toneless(t)).toBe(toneless(proposal.say));
    }
    expect(proposal.lines.find((l: any) => l.style === 'traditional').text).toBe('半夜卡被偷了，現在還能掛失嗎？');
  });

  it('says when no endpoint is configured and falls back to the offline generators', async () => {
    const { dir } = workspace();
    const r = await runCli(['expand', 'card-loss.yaml', '--case', 'lost-card'], { cwd: dir, env: noLlmEnv });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('no LLM endpoint');
    const sources = parse(readFileSync(join(dir, 'card-loss.review.yaml'), 'utf8')).proposals[0].lines.map((l: any) => l.source);
    expect(new Set(sources)).toEqual(new Set(['offline pinyin', 'offline opencc']));
    // A second expand would overwrite the review in progress: refused without --force.
    const again = await runCli(['expand', 'card-loss.yaml', '--case', 'lost-card'], { cwd: dir, env: noLlmEnv });
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('--force');
  });

  it('--apply writes only the accepted lines into the paraphrases, keeping comments and layout', async () => {
    const dir = tempDir('harness-expand-apply-');
    const pack = join(dir, 'demo-pack.yaml');
    const original = `# A pack written by hand: this comment stays.
id: demo-pack
name: 测试
intent: { id: card.report_loss, description: 卡挂失 }
cases:
  - id: lost
    name: 卡丢了
    turns:
      - say: 卡丢了怎么办？   # the first ask
        expect:
          keypoints:
            - { id: report, text: 挂失, any: [挂失] }
  - id: fee
    turns:
      - say: 挂失收费吗？
        paraphrases:
          - 挂失要钱不
        expect: { keypoints: [{ id: fee, text: 工本费, any: [工本费] }] }
`;
    writeFileSync(pack, original);
    const r = await runCli(['expand', 'demo-pack.yaml', '--offline'], { cwd: dir, env: noLlmEnv });
    expect(r.code, r.stderr).toBe(0);
    const reviewFile = join(dir, 'demo-pack.review.yaml');
    const doc = parseDocument(readFileSync(reviewFile, 'utf8'));
    // The researcher accepts the traditional line of the first case, edits and accepts a typo of the second into a line the pack already has.
    const lost = (doc.toJS().proposals as any[]).findIndex((p) => p.case === 'lost');
    const fee = (doc.toJS().proposals as any[]).findIndex((p) => p.case === 'fee');
    const tradIndex = (doc.toJS().proposals[lost].lines as any[]).findIndex((l) => l.style === 'traditional');
    doc.setIn(['proposals', lost, 'lines', tradIndex, 'accept'], true);
    doc.setIn(['proposals', fee, 'lines', 0, 'text'], '挂失要钱不？');
    doc.setIn(['proposals', fee, 'lines', 0, 'accept'], true);
    // As an editor may leave it: the pack's path quoted, with a comment after it.
    writeFileSync(reviewFile, doc.toString().replace(/^pack: (.+)$/m, (_, p: string) => `pack: "${p.trim()}"   # the pack under review`));
    expect(readFileSync(reviewFile, 'utf8')).toMatch(/^pack: ".+"   # the pack under review$/m);
    expect(readFileSync(pack, 'utf8')).toBe(original);

    const applied = await runCli(['expand', '--apply', 'demo-pack.review.yaml'], { cwd: dir });
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stderr).toContain('1 paraphrases added, 1 skipped');
    const after = readFileSync(pack, 'utf8');
    expect(after).toBe(original.replace('      - say: 卡丢了怎么办？   # the first ask\n', '      - say: 卡丢了怎么办？   # the first ask\n        paraphrases:\n          - 卡丟了怎麼辦？\n'));
    const loaded = loadPackFile(pack);
    expect(loaded.problems).toEqual([]);
    expect(loaded.pack!.cases[0].turns[0].paraphrases).toEqual(['卡丟了怎麼辦？']);
  });

  it('--apply refuses a review whose turn changed in the pack since, naming file:line:col', async () => {
    const { dir, pack, original } = workspace();
    expect((await runCli(['expand', 'card-loss.yaml', '--case', 'lost-card', '--offline'], { cwd: dir })).code).toBe(0);
    const reviewFile = join(dir, 'card-loss.review.yaml');
    writeFileSync(reviewFile, readFileSync(reviewFile, 'utf8').replace('accept: false', 'accept: true'));
    writeFileSync(pack, original.replace('- say: 卡丢失怎么办？', '- say: 银行卡丢失怎么办？'));
    const r = await runCli(['expand', '--apply', 'card-loss.review.yaml'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/card-loss\.review\.yaml:\d+:\d+ proposals\[0\]\.say: the pack's turn now says "银行卡丢失怎么办？"/);
    expect(readFileSync(pack, 'utf8')).toBe(original.replace('- say: 卡丢失怎么办？', '- say: 银行卡丢失怎么办？'));
  });
});
