import { execFileSync } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadBank, loadPackFile, loadPacks, validatePaths } from '../../harness/config/load.ts';
import { ConfigError, formatProblem } from '../../harness/errors.ts';
import { ROOT, runCli, tempDir } from '../helpers/cli.ts';

// Malformed and odd packs as researchers really produce them (an editor that
// saves GBK, a stray tab, a quote left open, a YAML "billion laughs" pasted from
// the web), each with where `harness validate` must point and what it must say.
// Every folder holds one pack.yaml (or bank.yaml) and, unless the missing
// locale is the point, a valid _locale.yaml.

const CORPUS = join(ROOT, 'test/fixtures/bad-packs');
const KP = 'cases[0].turns[0].expect.keypoints[1]';

/** folder → every problem expected, in order: [file:line:col (col 0: no position), path, message fragment]. */
const corpus: Record<string, [string, string, string][]> = {
  'unclosed-quote': [['pack.yaml:12:14', '', 'unclosed " — the quoted text that starts here never ends (it runs on to line 27); add the closing "']],
  'unclosed-bracket': [['pack.yaml:13:22', '', 'unclosed [ — add the closing ]']],
  'bad-indentation': [['pack.yaml:23:4', '', 'bad indentation — this line is indented differently']],
  'tab-indentation': [['pack.yaml:23:1', '', 'a tab is used for indentation — YAML indents with spaces only']],
  'duplicate-key': [['pack.yaml:11:5', '', 'duplicate key "name" — a key may appear once per map']],
  'weight-string': [['pack.yaml:20:23', `${KP}.weight`, 'expected a number, got the string "2" — write weight: 2']],
  'weight-zero': [['pack.yaml:20:23', `${KP}.weight`, 'must be > 0, got the number 0']],
  'keypoint-without-any': [['pack.yaml:17:15', `${KP}.any`, 'missing required key "any" (a list) — add any: [ … ]']],
  'any-not-a-list': [['pack.yaml:19:20', `${KP}.any`, 'expected a list, got the string "正式挂失" — write any: [正式挂失]']],
  'any-no-value': [['pack.yaml:19:19', `${KP}.any`, 'expected a list, got an empty value — write any: [ … ]']],
  'any-empty': [['pack.yaml:19:20', `${KP}.any`, 'must not be empty — list the ways a correct answer can say it']],
  'keypoint-number': [['pack.yaml:16:15', 'cases[0].turns[0].expect.keypoints[0]', 'expected a string or a map, got the number 5']],
  'unknown-key': [['pack.yaml:13:9', 'cases[0].turns[0].paraphrase', 'unknown key "paraphrase" — did you mean "paraphrases"?']],
  'handoff-maybe': [['pack.yaml:21:20', 'cases[0].turns[0].expect.handoff', 'expected one of accept, require, forbid, got the string "maybe" — write handoff: accept (or require, forbid)']],
  'handoff-typo': [['pack.yaml:21:20', 'cases[0].turns[0].expect.handoff', 'got the string "acept" — did you mean handoff: accept?']],
  'duplicate-case-id': [
    ['pack.yaml:20:23', `${KP}.weight`, 'expected a number, got the string "2"'],
    ['pack.yaml:22:9', 'cases[1].id', 'duplicate case id "lost-card" (first used by cases[0]) — rename one'],
  ],
  'unknown-keypoint-ref': [['pack.yaml:26:23', 'cases[1].turns[0].expect.keypoints[0]', 'unknown key-point id "temporary-reprot" — did you mean "temporary-report"?']],
  'bad-case-id': [['pack.yaml:22:9', 'cases[1].id', 'use lower-case letters, digits, ".", "_" and "-" — got the string "Wallet Lost"']],
  'missing-cases': [['pack.yaml:1:1', 'cases', 'missing required key "cases" (a list) — add cases: [ … ]']],
  'missing-locale': [['_locale.yaml:0:0', '', 'missing — every scenario folder needs a _locale.yaml']],
  gbk: [['pack.yaml:2:7', '', 'the file is not UTF-8: it looks like GBK/GB18030 (bytes BF A8 B9 D2 here read as GB18030 "卡挂失样例") — convert it: iconv -f GB18030 -t UTF-8 ']],
  utf16: [['pack.yaml:1:1', '', 'the file is UTF-16LE, not UTF-8 — convert it: iconv -f UTF-16 -t UTF-8 ']],
  'utf16be-nobom': [['pack.yaml:1:1', '', 'the file is UTF-16BE, not UTF-8 — convert it: iconv -f UTF-16BE -t UTF-8 ']],
  'replacement-char': [['pack.yaml:18:26', '', 'the text contains U+FFFD']],
  'alias-bomb': [['pack.yaml:13:10', '', 'YAML aliases expand this file past 10000 values here (*d alone is 7381) — nested aliases multiply']],
  'unresolved-alias': [['pack.yaml:26:22', '', 'alias *shared refers to no anchor — define &shared above it']],
  'js-function-tag': [['pack.yaml:18:21', '', 'unknown YAML tag !!js/function — config files are plain YAML; remove the tag']],
  'custom-tag': [['pack.yaml:24:14', '', 'unknown YAML tag !secret']],
  'set-tag': [['pack.yaml:19:20', '', 'unknown YAML tag !!set — config files are plain YAML; remove the tag']],
  'merge-scalar': [['pack.yaml:11:5', '', '"<<" merges a map into this one, but its value is not a map']],
  'two-documents': [['pack.yaml:27:1', '', 'a second YAML document ("---")']],
  'empty-file': [['pack.yaml:1:1', '', 'the file is empty — write a map with id:, name:, intent:, cases:']],
  'list-not-map': [['pack.yaml:1:1', '', 'expected the file to be a map (id:, name:, intent:, cases: …), got a list (2 items)']],
  'id-number': [['pack.yaml:1:5', 'id', 'expected a string, got the number 1 — quote it: id: "001"']],
  'say-number': [['pack.yaml:24:14', 'cases[1].turns[0].say', 'expected a string, got the number 1000 — quote it: say: "1e3"']],
  'channel-kind-unknown': [['pack.yaml:3:20', 'channels[1]', 'expected one of online, hotline, got the string "phone"']],
  'unknown-top-level-key': [['pack.yaml:3:1', 'description', 'unknown key "description" — remove it (allowed here: id, name, locale, intent, channels, keypoints, cases)']],
  'deep-nesting': [['pack.yaml:2:71', '', 'brackets nested more than 64 deep here']],
  'bank-adapter-typo': [['bank.yaml:5:14', 'channels.api.adapter', 'expected one of http, web, wechat-h5, wechat-mp, hotline, got the string "htttp" — did you mean adapter: http?']],
  'bank-adapter-missing': [['bank.yaml:5:5', 'channels.api', 'missing required key "adapter" — add adapter: one of http, web, wechat-h5, wechat-mp, hotline']],
  'bank-method-lowercase': [['bank.yaml:7:13', 'channels.api.method', 'got the string "post" — did you mean method: POST?']],
  'bank-politeness-string': [['bank.yaml:3:30', 'politeness.maxConcurrent', 'expected a number, got the string "2" — write maxConcurrent: 2']],
  'bank-web-open-typo': [['bank.yaml:9:9', 'channels.api.open[0].clik', 'unknown key "clik" — did you mean "click"? (one of: click, fill+value, press, waitFor, frame)']],
  'bank-enabled-yes': [['bank.yaml:7:14', 'channels.api.enabled', 'expected true or false, got the string "yes" — write enabled: true']],
  'bank-channel-name': [['bank.yaml:4:3', 'channels.API', 'invalid key "API" — channel names: lower-case letters, digits, "_", "-"; e.g. api']],
  'bank-timeout-fraction': [['bank.yaml:8:16', 'channels.api.timeoutMs', 'expected a whole number, got the number 1.5']],
};

const where = (folder: string, p: { file: string; line: number; col: number }) => `${p.file.slice(p.file.indexOf(folder) + folder.length + 1)}:${p.line}:${p.col}`;

describe('the bad-pack corpus: every problem located, in one pass', () => {
  for (const [folder, expected] of Object.entries(corpus)) {
    it(folder, () => {
      const { problems } = validatePaths([join(CORPUS, folder)]);
      expect(problems.map((p) => [where(folder, p), p.path])).toEqual(expected.map(([at, path]) => [at, path]));
      problems.forEach((p, i) => expect(p.message).toContain(expected[i][2]));
    });
  }

  it('passes the same pack as UTF-8, with a BOM, with CRLF lines, and reads its Chinese intact', () => {
    for (const folder of ['good', 'utf8-bom', 'crlf']) {
      expect(validatePaths([join(CORPUS, folder)]).problems).toEqual([]);
      const { pack } = loadPackFile(join(CORPUS, folder, 'pack.yaml'));
      expect(pack!.name).toBe('卡挂失样例');
      expect(pack!.cases[0].turns[0].expect.keypoints.map((k) => k.id)).toEqual(['temporary-report', 'formal-report']);
    }
    expect(validatePaths([join(CORPUS, 'bank-good')]).problems).toEqual([]);
  });

  it('reads `<<: *anchor` merge keys', () => {
    const { pack, problems } = loadPackFile(join(CORPUS, 'merge-key/pack.yaml'));
    expect(problems).toEqual([]);
    expect(pack!.keypoints.map((k) => [k.id, k.any.length])).toEqual([['temporary-report', 3], ['temporary-report-2', 3]]);
  });

  it('gives an iconv line that really converts a GBK or UTF-16 pack', () => {
    for (const folder of ['gbk', 'utf16', 'utf16be-nobom']) {
      const dir = tempDir();
      cpSync(join(CORPUS, folder), dir, { recursive: true });
      const { problems } = validatePaths([dir]);
      const command = /convert it: (iconv .*)$/.exec(problems[0].message)![1];
      execFileSync('sh', ['-c', command]);
      expect(validatePaths([dir]).problems).toEqual([]);
      expect(loadPackFile(join(dir, 'pack.yaml')).pack!.intent.description).toBe('客户银行卡丢失，需要挂失');
    }
  });

  it('refuses a 5 MB pack with a size limit instead of parsing it', () => {
    const dir = tempDir();
    cpSync(join(CORPUS, 'good'), dir, { recursive: true });
    const base = readFileSync(join(dir, 'pack.yaml'), 'utf8');
    const one = base.slice(base.indexOf('  - id: wallet-lost'));
    const cases = Array.from({ length: Math.ceil((5 * 1024 * 1024 - Buffer.byteLength(base)) / Buffer.byteLength(one)) }, (_, i) => one.replace('wallet-lost', `wallet-lost-${i}`));
    writeFileSync(join(dir, 'pack.yaml'), base + cases.join(''));
    const { problems } = validatePaths([dir]);
    expect(problems.map(formatProblem)).toEqual([expect.stringMatching(/pack\.yaml:1:1 the file is 5\.\d MB — config files are limited to 1\.0 MB; split the cases into several packs$/)]);
  });

  it('stops `run` on a folder without _locale.yaml with the same message as validate', () => {
    expect(() => loadPacks(join(CORPUS, 'missing-locale'))).toThrow(/_locale\.yaml: missing — every scenario folder needs a _locale\.yaml/);
  });
});

describe('--set mistakes are the flag\'s, not a line of the profile', () => {
  const bank = join(CORPUS, 'bank-good/bank.yaml');
  const problemsOf = (set: string[]) => {
    try {
      loadBank(bank, set);
    } catch (err) {
      if (err instanceof ConfigError) return err.problems.map(formatProblem);
      throw err;
    }
    return [];
  };

  it('names the flag and the corrected flag for a misspelt key', () => {
    expect(problemsOf(['channels.api.respnse.text=x'])).toEqual([
      '--set channels.api.respnse.text=x: channels.api.respnse: unknown key "respnse" — did you mean --set channels.api.response.text=x?',
    ]);
  });

  it('names the flag for a value of the wrong type or outside an enum', () => {
    expect(problemsOf(['politeness.maxConcurrent=two', 'channels.api.method=post'])).toEqual([
      '--set politeness.maxConcurrent=two: politeness.maxConcurrent: expected a number, got the string "two"',
      '--set channels.api.method=post: channels.api.method: expected one of POST, PUT, GET, got the string "post" — did you mean --set channels.api.method=POST?',
    ]);
  });

  it('suggests the channel the profile has for a misspelt channel name', () => {
    expect(problemsOf(['channels.apii.url=http://127.0.0.1:9/x'])[0]).toMatch(
      /^--set channels\.apii\.url=http:\/\/127\.0\.0\.1:9\/x: channels\.apii: the profile has no "channels\.apii" — did you mean --set channels\.api\.url=http:\/\/127\.0\.0\.1:9\/x\?/,
    );
  });

  it('refuses a path through a scalar and a malformed assignment', () => {
    expect(problemsOf(['channels.api.url.host=x', 'politeness'])).toEqual([
      '--set channels.api.url.host=x: channels.api.url is "https://bot.example.com/api/chat" in the profile, not a map — set channels.api.url itself, or check the path',
      '--set politeness: write it as path.to.key=value, e.g. --set channels.api.url=http://127.0.0.1:8080/chat',
    ]);
  });

  it('still blames the file for a problem the flag did not touch', () => {
    const problems = (() => {
      try {
        loadBank(join(CORPUS, 'bank-method-lowercase/bank.yaml'), ['channels.api.url=http://127.0.0.1:9/x']);
      } catch (err) {
        return (err as ConfigError).problems.map(formatProblem);
      }
      return [];
    })();
    expect(problems).toEqual([expect.stringMatching(/bank\.yaml:7:13 channels\.api\.method: .*did you mean method: POST\?$/)]);
  });
});

describe('a value from ${env:…} is never echoed in an error', () => {
  it('names the placeholder instead of the secret', () => {
    const dir = tempDir();
    const file = join(dir, 'bank.yaml');
    writeFileSync(file, readFileSync(join(CORPUS, 'bank-good/bank.yaml'), 'utf8').replace('method: POST', 'method: ${env:HARNESS_TEST_METHOD}'));
    process.env.HARNESS_TEST_METHOD = 'sk-live-0123456789';
    try {
      expect(() => loadBank(file)).toThrow(/bank\.yaml:7:13 channels\.api\.method: expected one of POST, PUT, GET, got the value of \$\{env:HARNESS_TEST_METHOD\}/);
      expect(() => loadBank(file)).not.toThrow(/sk-live/);
    } finally {
      delete process.env.HARNESS_TEST_METHOD;
    }
  });
});

describe('harness validate and run on the corpus (the real CLI)', () => {
  it('exits 2 and prints each located problem, no stack trace', async () => {
    const folders = ['weight-string', 'unclosed-quote', 'gbk', 'alias-bomb', 'js-function-tag', 'missing-locale', 'bank-adapter-typo', 'good'];
    const r = await runCli(['validate', ...folders.map((f) => `test/fixtures/bad-packs/${f}`)]);
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toEqual([
      `test/fixtures/bad-packs/weight-string/pack.yaml:20:23 ${KP}.weight: expected a number, got the string "2" — write weight: 2`,
      expect.stringMatching(/^test\/fixtures\/bad-packs\/unclosed-quote\/pack\.yaml:12:14 unclosed " — /),
      expect.stringMatching(/^test\/fixtures\/bad-packs\/gbk\/pack\.yaml:2:7 the file is not UTF-8: it looks like GBK\/GB18030 .* — convert it: iconv -f GB18030 -t UTF-8 test\/fixtures\/bad-packs\/gbk\/pack\.yaml > /),
      expect.stringMatching(/^test\/fixtures\/bad-packs\/alias-bomb\/pack\.yaml:13:10 YAML aliases expand this file past 10000 values/),
      expect.stringMatching(/^test\/fixtures\/bad-packs\/js-function-tag\/pack\.yaml:18:21 unknown YAML tag !!js\/function/),
      expect.stringMatching(/^test\/fixtures\/bad-packs\/missing-locale\/_locale\.yaml: missing — /),
      expect.stringMatching(/^test\/fixtures\/bad-packs\/bank-adapter-typo\/bank\.yaml:5:14 channels\.api\.adapter: .*did you mean adapter: http\?$/),
      '',
      '7 problem(s) in 14 file(s)',
    ]);
  });

  it('run stops at a --set mistake before touching the bank, exit 2', async () => {
    const out = join(tempDir(), 'run');
    const r = await runCli(['run', '--bank', 'test/fixtures/bad-packs/bank-good/bank.yaml', '--set', 'channels.api.respnse.text=x', '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--set channels.api.respnse.text=x: channels.api.respnse: unknown key "respnse" — did you mean --set channels.api.response.text=x?');
  });
});
