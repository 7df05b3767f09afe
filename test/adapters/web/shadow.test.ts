import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webConfigSchema } from '../../../adapters/web/config.ts';
import { deepQuerySource } from '../../../adapters/web/deep-query.ts';
import { createWebAdapter } from '../../../adapters/web/index.ts';
import { startDemoBank, type EmbeddedBank } from '../../../banks/demo/index.ts';
import type { Adapter } from '../../../harness/types.ts';
import { createWidgetServer, type WidgetServer } from '../../fixtures/widgets/server.ts';
import { fileBrowser, never, say, testCtx, testEnv } from '../../helpers/web.ts';

// The <bank-chat> web component keeps every message in nested open shadow
// roots; a profile names its parts through the hosts, as DevTools shows them.

const hostSelectors = {
  input: 'bank-chat .editor',
  send: 'bank-chat button.send',
  botMessage: 'bank-chat .bot-bubble',
  typing: 'bank-chat .is-loading',
  buttons: 'bank-chat .chip',
  handoff: 'bank-chat .handoff',
};

const browser = fileBrowser();
let bank: EmbeddedBank;
let widget: WidgetServer;
const adapters: Adapter[] = [];
const adapter = (over: Record<string, unknown> = {}, selectors: Record<string, unknown> = {}) => {
  const a = createWebAdapter(webConfigSchema.parse({ url: widget.url, selectors: { ...hostSelectors, ...selectors }, settleMs: 400, ...over }), testEnv(), {}, browser);
  adapters.push(a);
  return a;
};
const apiReply = async (text: string) => {
  const r = await fetch(`${bank.vars.api}/api/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text }) });
  return (await r.json()) as { reply: { text: string; messages: { text: string }[]; buttons: string[] }; handoff: boolean };
};

beforeAll(async () => {
  bank = await startDemoBank({}, ['api']);
  widget = await createWidgetServer(bank.vars.api);
});
afterAll(async () => {
  for (const a of adapters) await a.dispose();
  await widget?.close();
  await bank?.close();
});

// Each test opens its own adapter and chat session: they go at once.
describe.concurrent('a web component chat read through its shadow hosts', () => {
  it('reads the same reply the API gives, without the loading bubble that shares the bot class', async () => {
    const s = await adapter().open(testCtx());
    const question = '我要开户';
    const [r, api] = await Promise.all([s.send(say(question), never()), apiReply(question)]);
    expect(api.reply.messages.length).toBeGreaterThan(1); // each answer after the first waits behind a loading bubble
    expect(r.messages.map((m) => m.text)).toEqual(api.reply.messages.map((m) => m.text));
    expect(r.text).not.toBe('');
    expect(r.buttons).toEqual(api.reply.buttons);
    expect(r.evidence?.raw).toMatchObject({ ended: 'settled' });
    const seen = s.inspect!()!;
    const by = Object.fromEntries(seen.extracted.map((e) => [e.field, e]));
    expect(by['selectors.input'].values).toHaveLength(1);
    expect(by['selectors.send'].values).toEqual(['发送']);
    expect(by['selectors.botMessage'].values).toEqual(r.messages.map((m) => m.text));
    expect(seen.response?.body).toContain(r.messages[0].text);
    expect(seen.suggestions).toEqual([]);
    await s.close({ failed: false });
  });

  it('presses a quick-reply chip and notices a handoff, both inside the shadow root', async () => {
    const s = await adapter().open(testCtx());
    const asked = await s.send(say('银行卡'), never());
    expect(asked.buttons).toEqual((await apiReply('银行卡')).reply.buttons);
    expect(asked.buttons).toContain('查询余额');
    const r = await s.send(say('查询余额', 1, '查询余额'), never());
    expect(r.evidence?.raw).toMatchObject({ clicked: '查询余额' });
    expect(r.text).not.toBe('');
    const human = await s.send(say('转人工', 2), never());
    expect(human.handoff).toBe(true);
    await s.close({ failed: false });
  });

  it('enters the iframe named by a single frame selector', async () => {
    const evidence = mkdtempSync(join(tmpdir(), 'harness-shadow-'));
    const s = await adapter({ url: `${widget.url}/framed`, screenshots: true }, { frame: '#support-frame' }).open(testCtx(evidence, evidence));
    const r = await s.send(say('怎么查余额'), never());
    expect(r.text).toBe((await apiReply('怎么查余额')).reply.messages.map((m) => m.text).join('\n'));
    const seen = s.inspect!()!;
    expect(seen.extracted.find((e) => e.field === 'selectors.frame[0]')!.values).toEqual([`${widget.url}/`]);
    // The turn's screenshot, by absolute path, for a user to open.
    expect(readFileSync(seen.files!.screenshot).subarray(1, 4).toString()).toBe('PNG');
    rmSync(evidence, { recursive: true, force: true });
    await s.close({ failed: false });
  });

  it('when botMessage matches nothing, names the elements that hold the new text, through their hosts', async () => {
    const warnings: string[] = [];
    const a = createWebAdapter(
      webConfigSchema.parse({ url: widget.url, selectors: { ...hostSelectors, botMessage: 'bank-chat .answer-text' }, settleMs: 400, maxWaitMs: 2500 }),
      { ...testEnv(), log: (m) => warnings.push(m) },
      {},
      browser,
    );
    adapters.push(a);
    const s = await a.open(testCtx());
    const r = await s.send(say('怎么查余额'), never());
    expect(r.text).toBe('');
    const seen = s.inspect!()!;
    expect(seen.extracted.find((e) => e.field === 'selectors.botMessage')!.values).toEqual([]);
    const hint = seen.suggestions!.join('\n');
    expect(hint).toContain('selectors.botMessage `bank-chat .answer-text` matched nothing, but new text appeared in: `bank-chat chat-message div.bubble.bot-bubble`');
    expect(hint).toContain('open shadow root of <chat-message>');
    expect(hint).not.toContain('user-bubble'); // the customer's own message is not a candidate
    // The run says so on the console, once, instead of grading silence.
    await s.send(say('怎么挂失', 1), never());
    expect(warnings.filter((w) => w.startsWith('warning: web: no reply was read within 2500 ms: selectors.botMessage'))).toHaveLength(1);
    await s.close({ failed: false });
  });

  it('when the input matches nothing, the fault names the selector and the text boxes that are there', async () => {
    const err = await adapter({ maxWaitMs: 8000 }, { input: 'bank-chat textarea' }).open(testCtx()).catch((e: Error) => e);
    expect(String(err)).toContain('selectors.input `bank-chat textarea` matched no visible element; text boxes here: `bank-chat div.editor`');
  });

  it('refuses a Playwright engine selector for reading, naming the field', async () => {
    await expect(adapter({}, { botMessage: 'text=您好' }).open(testCtx())).rejects.toThrow(/selectors\.botMessage "text=您好": Playwright engines/);
  });
});

describe('selectors.frame', () => {
  const parse = (frame: unknown) => webConfigSchema.parse({ url: 'http://x', selectors: { input: 'a', botMessage: 'b', frame } }).selectors.frame;
  it('takes one iframe selector or a chain', () => {
    expect(parse('#support-frame')).toEqual(['#support-frame']);
    expect(parse(['#outer', '#chat'])).toEqual(['#outer', '#chat']);
    expect(webConfigSchema.safeParse({ url: 'http://x', selectors: { input: 'a', botMessage: 'b', frame: 3 } }).success).toBe(false);
  });
});

describe('the in-page selector resolver', () => {
  it('matches what a Playwright locator matches across open shadow roots, in on-screen order', async () => {
    const page = await (await browser.get()).newPage();
    await page.setContent(`<p class="bubble">outside</p><x-chat id="c"></x-chat><script>
      const host = document.getElementById('c');
      const root = host.attachShadow({ mode: 'open' });
      root.innerHTML = '<div class="log"><div class="bubble bot">一</div><div class="bubble me">二</div><x-msg></x-msg><div class="bubble bot">余额三</div></div><button class="chip">卡挂失</button><button class="chip" style="display:none">隐藏</button>';
      root.querySelector('x-msg').attachShadow({ mode: 'open' }).innerHTML = '<span class="bubble bot">四</span>';
    </script>`);
    const selectors = [
      'x-chat .bubble',
      'x-chat .bubble.bot',
      'x-chat > .log > .bubble',
      '#c .log x-msg .bot',
      '.bubble.me + x-msg',
      '.bubble.me ~ .bubble',
      'x-chat .bubble:has-text("余额")',
      'x-chat .chip:visible',
      'p.bubble, x-chat .bubble.me',
      'body > .bubble',
      'x-nothing .bubble',
    ];
    for (const sel of selectors) {
      const ours = await page.evaluate(`${deepQuerySource}.all(${JSON.stringify(sel)}).map((e) => e.textContent)`);
      const theirs = await page.locator(sel).allTextContents();
      expect([...(ours as string[])].sort(), sel).toEqual([...theirs].sort());
    }
    // Playwright lists a shadow root's matches after the tree that holds its host; a chat is read in the order it shows.
    expect(await page.evaluate(`${deepQuerySource}.all('x-chat .bubble').map((e) => e.textContent)`)).toEqual(['一', '二', '四', '余额三']);
    await page.close();
  });
});
