import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { validatePaths } from '../../../harness/config/load.ts';
import { tempDir } from '../../helpers/cli.ts';

// A hotline channel's transport and speech configs are checked by their
// definitions' schemas when the profile loads: `harness validate` finds a
// wrong SIP URI before any call is dialled.

const dir = tempDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function profile(transport: string, asr = '{ engine: simulated }'): string {
  const file = join(dir, `bank-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(
    file,
    `id: phone-bank
name: 电话银行
channels:
  phone:
    adapter: hotline
    transport:
${transport}
    speech:
      tts: { engine: simulated }
      asr: ${asr}
`,
  );
  return file;
}

describe('hotline channel config', () => {
  it('reports a bad SIP URI and codec at their lines', () => {
    const file = profile(`      type: sip
      uri: "tel:95588"
      codecs: [G729]`);
    const { problems } = validatePaths([file]);
    expect(problems.map((p) => [p.line, p.path])).toEqual([
      [8, 'channels.phone.transport.uri'],
      [9, 'channels.phone.transport.codecs[0]'],
    ]);
    expect(problems[0].message).toMatch(/SIP URI such as sip:/);
  });

  it('reports an unknown key of the SIP transport and of a speech engine', () => {
    const file = profile(`      type: sip
      uri: sip:95588@sbc.example.com
      ringTimeout: 8000`, '{ engine: simulated, cers: 0.1 }');
    const { problems } = validatePaths([file]);
    expect(problems.map((p) => p.path)).toEqual(['channels.phone.transport.ringTimeout', 'channels.phone.speech.asr.cers']);
    expect(problems[1].message).toContain('"cer"');
  });

  it('accepts a good SIP profile', () => {
    const file = profile(`      type: sip
      uri: sip:95588@sbc.example.com;transport=tcp
      codecs: [PCMA]`);
    expect(validatePaths([file]).problems).toEqual([]);
  });

  it("accepts an embedded bank's address, filled in when the bank starts", () => {
    const file = profile(`      type: sip
      uri: \${embedded:hotline-sip}`);
    expect(validatePaths([file]).problems).toEqual([]);
  });
});
