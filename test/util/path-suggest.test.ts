import { describe, expect, it } from 'vitest';
import { suggestPaths } from '../../harness/util/path-suggest.ts';
import { diagnose, type ProbeResult } from '../../harness/run/preflight.ts';

// "Did you mean": the paths a bot's JSON really holds its reply at, from
// response shapes real bot platforms use.

describe('suggestPaths', () => {
  it('offers the array path for a reply of several answers, before ids and codes', () => {
    const body = { code: '0000', msg: 'success', data: { sessionId: 'a1b2c3d4e5f6', answers: [{ content: '您好，挂失请拨打95555', type: 'text' }, { content: '还有其他问题吗？', type: 'text' }] } };
    const [best] = suggestPaths(body, 'data.answer.content');
    expect(best).toMatchObject({ path: 'data.answers[*].content', example: 'data.answers[0].content' });
    expect(best.value).toContain('您好，挂失请拨打95555');
    expect(suggestPaths(body, 'data.answer.content').map((s) => s.path)).not.toContain('data.sessionId');
  });

  it('finds the reply of a differently shaped API (a DingTalk/Dialogflow-like result list)', () => {
    const body = { result: { fulfillment: { messages: [{ speech: 'Please bring your ID card to any branch to close the account.' }] } }, status: { code: 200 } };
    expect(suggestPaths(body, 'reply.text')[0].path).toBe('result.fulfillment.messages[*].speech');
  });

  it('offers nothing for a body without strings', () => {
    expect(suggestPaths({ code: 0, data: { answers: [] } }, 'data.answers[*].content')).toEqual([]);
  });
});

describe('diagnose', () => {
  const base: Omit<ProbeResult, 'reply' | 'inspection'> = { channel: 'api', utterance: { index: 0, text: '卡丢了', attempt: 'first' }, timings: { openMs: 0, sendMs: 5, totalMs: 5 }, evidenceDir: '/tmp/x' };
  const reply = (text: string) => ({ text, messages: [], buttons: [], latency: { firstMs: 5, settledMs: 5 } });
  const x = { config: { adapter: 'http' } as any, timeoutMs: 10_000, bank: 'acme' };

  it('stops on text in the body that no path read, and lets a silent bot through with a warning', () => {
    const wrong = diagnose(
      { ...base, reply: reply(''), inspection: { response: { status: 200, body: '{"data":{"answers":[{"content":"您好，请先挂失"}]}}' }, extracted: [{ field: 'response.text', rule: 'data.answer.content', values: [] }] } },
      x,
    );
    expect(wrong.stop).toMatchObject({ kind: 'extraction', channel: 'api' });
    expect(wrong.stop!.fix).toContain('npx harness try --bank acme --channel api');
    const silent = diagnose(
      { ...base, reply: reply(''), inspection: { response: { status: 200, body: '{"code":"0000","msg":"ok","data":{"answers":[]}}' }, extracted: [{ field: 'response.text', rule: 'data.answers[*].content', values: [] }] } },
      x,
    );
    expect(silent.stop).toBeUndefined();
    expect(silent.warning).toContain('empty');
  });

  it('names the fix for each transport fault', () => {
    const stop = (kind: string, message: string) => diagnose({ ...base, error: { kind, message } }, x).stop!;
    expect(stop('protocol', 'HTTP 403 from https://bot/x: forbidden').fix).toContain('channels.api.headers');
    expect(stop('protocol', 'HTTP 404 from https://bot/x').fix).toContain('channels.api.url');
    expect(stop('unreachable', 'self-signed certificate in certificate chain (SELF_SIGNED_CERT_IN_CHAIN)').fix).toContain('TLS');
    expect(stop('unreachable', 'host not found: getaddrinfo ENOTFOUND bot.acme.example').fix).toContain('DNS');
    expect(stop('timeout', 'no reply within 10000 ms').fix).toContain('preflight.timeoutMs');
  });
});
