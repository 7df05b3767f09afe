import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoBank, type EmbeddedBank } from '../../banks/demo/index.ts';
import { createWidgetServer, type WidgetServer } from '../fixtures/widgets/server.ts';
import { runCli, tempDir } from '../helpers/cli.ts';

// A bank whose web chat is a web component (<bank-chat>, nested open shadow
// roots), profiled from the page alone with selectors written through the
// hosts as DevTools shows them. Its backend is the demo brain's HTTP API, so
// the web channel must score as the API channel on the same brain.

let bank: EmbeddedBank;
let widget: WidgetServer;
beforeAll(async () => {
  bank = await startDemoBank({}, ['api']);
  widget = await createWidgetServer(bank.vars.api);
});
afterAll(async () => {
  await widget?.close();
  await bank?.close();
});

const profile = (api: string, page: string) => `
id: widget-bank
name: 组件银行
politeness: { maxConcurrent: 8, minIntervalMs: 0 }
channels:
  api:
    adapter: http
    kind: online
    url: ${api}/api/chat
    request: { sessionId: '{{sessionId}}', text: '{{text}}' }
    response:
      text: reply.text
      messages: reply.messages[*].text
      buttons: reply.buttons
      handoff: handoff
      sessionId: sessionId
  widget:
    adapter: web
    kind: online
    url: ${page}
    selectors:
      input: bank-chat .editor
      send: bank-chat button.send
      botMessage: bank-chat .bot-bubble
      typing: bank-chat .is-loading
      buttons: bank-chat .chip
      handoff: bank-chat .handoff
    settleMs: 400
    maxWaitMs: 15000
`;

describe('a web-component chat widget against the API on the same brain', () => {
  it('scores within 0.2 of the API on every scenario, read through its shadow hosts', async () => {
    const dir = tempDir();
    const file = join(dir, 'widget-bank.yaml');
    writeFileSync(file, profile(bank.vars.api, widget.url));
    const out = join(dir, 'run');
    // The quick case of every pack: each scenario's replies read through the hosts.
    const r = await runCli(['run', '--bank', file, '--channel', 'api,widget', '--tag', 'quick', '--out', out, '--progress', 'none', '--concurrency', '4', '--trace', 'off'], {
      timeoutMs: 580_000,
    });
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(s.run.errors).toBe(0);
    const packs = Object.keys(s.channels.api.scenarios);
    expect(packs).toHaveLength(8);
    for (const pack of packs) {
      const ref = s.channels.api.scenarios[pack];
      const got = s.channels.widget.scenarios[pack];
      expect(ref.recognition, `api/${pack}`).toBeGreaterThan(0);
      expect(Math.abs(got.recognition - ref.recognition), `widget/${pack} recognition ${got.recognition} vs api ${ref.recognition}`).toBeLessThanOrEqual(0.2);
      expect(Math.abs(got.completeness - ref.completeness), `widget/${pack} completeness ${got.completeness} vs api ${ref.completeness}`).toBeLessThanOrEqual(0.2);
    }
  }, 600_000);
});
