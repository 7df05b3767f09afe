import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadBank, loadPackFile, validatePaths } from '../../harness/config/load.ts';
import { ConfigError } from '../../harness/errors.ts';
import { runCli, tempDir } from '../helpers/cli.ts';

const goodPack = `id: sample
name: 样例
intent: { id: sample.ask, description: 样例意图 }
keypoints:
  - id: shared
    text: 共享要点
    any: [共享]
cases:
  - id: one
    turns:
      - say: 你好
        paraphrases: [您好, 哈喽, 嗨]
        expect:
          keypoints:
            - shared
            - id: id-card
              text: 带身份证
              any: [身份证, 有效证件]
`;

function write(name: string, text: string): string {
  const dir = tempDir();
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

describe('scenario pack errors point at file:line:col', () => {
  it('loads a valid pack and resolves shared key-point ids', () => {
    const { pack, problems } = loadPackFile(write('sample.yaml', goodPack));
    expect(problems).toEqual([]);
    expect(pack!.cases[0].turns[0].expect.keypoints.map((k) => k.id)).toEqual(['shared', 'id-card']);
  });

  it('names a misspelt key with a did-you-mean hint at its line and column', () => {
    const file = write('typo.yaml', goodPack.replace('        paraphrases:', '        paraphrase:'));
    const { problems } = loadPackFile(file);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ line: 12, col: 9, path: 'cases[0].turns[0].paraphrase' });
    expect(problems[0].message).toContain('did you mean "paraphrases"');
  });

  it('rejects a duplicate case id, pointing at the second one', () => {
    const text = goodPack + `  - id: one\n    turns:\n      - say: 再见\n`;
    const { problems } = loadPackFile(write('dup.yaml', text));
    expect(problems.map((p) => [p.line, p.col, p.message.split(' —')[0]])).toEqual([[19, 9, 'duplicate case id "one" (first used by cases[0])']]);
  });

  it('rejects an empty synonym list and says what to write', () => {
    const { problems } = loadPackFile(write('empty.yaml', goodPack.replace('any: [身份证, 有效证件]', 'any: []')));
    expect(problems[0].path).toBe('cases[0].turns[0].expect.keypoints[1].any');
    expect(problems[0].message).toContain('list the ways a correct answer can say it');
  });

  it('rejects a reference to an unknown key-point id', () => {
    const { problems } = loadPackFile(write('ref.yaml', goodPack.replace('            - shared', '            - shard')));
    expect(problems[0]).toMatchObject({ line: 15, path: 'cases[0].turns[0].expect.keypoints[0]' });
    expect(problems[0].message).toContain('unknown key-point id "shard"');
  });

  it('reports broken indentation as a YAML error with its position', () => {
    const { problems } = loadPackFile(write('indent.yaml', goodPack.replace('    turns:', '   turns:')));
    expect(problems.length).toBeGreaterThan(0);
    expect(problems[0].line).toBeGreaterThan(1);
    expect(problems[0].message).toMatch(/indentation/);
  });
});

describe('bank profiles', () => {
  it('fails clearly when an ${env:VAR} is not set', () => {
    const file = write(
      'bank.yaml',
      `id: b\nname: B\nchannels:\n  api:\n    adapter: http\n    url: https://bot.example/api\n    headers: { Authorization: 'Bearer \${env:HARNESS_TEST_UNSET_TOKEN}' }\n`,
    );
    let error: ConfigError | undefined;
    try {
      loadBank(file);
    } catch (err) {
      error = err as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(error!.problems[0]).toMatchObject({ line: 7 });
    expect(error!.problems[0].message).toContain('environment variable HARNESS_TEST_UNSET_TOKEN is not set');
  });

  it('suggests the right adapter key for a typo in a channel', () => {
    const file = write('bank.yaml', `id: b\nname: B\nchannels:\n  api:\n    adapter: http\n    url: https://bot.example/api\n    reponse: { text: answer }\n`);
    expect(() => loadBank(file)).toThrow(/bank.yaml:7:5 channels.api.reponse: unknown key "reponse" — did you mean "response"\?/);
  });

  it('applies --set overrides before validation', () => {
    const file = write('bank.yaml', `id: b\nname: B\nchannels:\n  api:\n    adapter: http\n    url: https://bot.example/api\n`);
    const { profile } = loadBank(file, ['channels.api.url=http://127.0.0.1:9/x', 'politeness.maxConcurrent=1']);
    expect((profile.channels.api as any).url).toBe('http://127.0.0.1:9/x');
    expect(profile.politeness.maxConcurrent).toBe(1);
  });
});

describe('harness validate', () => {
  it('passes on the shipped scenarios and banks', () => {
    const { problems } = validatePaths(['scenarios', 'banks']);
    expect(problems).toEqual([]);
  });

  it('lists every problem of a bad folder with exit 2 and no stack trace', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.yaml'), goodPack.replace('        paraphrases:', '        paraphrase:'));
    writeFileSync(join(dir, 'b.yaml'), goodPack + `  - id: one\n    turns:\n      - say: 再见\n`);
    writeFileSync(join(dir, 'c.yaml'), goodPack.replace('    turns:', '   turns:'));
    const r = await runCli(['validate', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/a\.yaml:12:9 .*did you mean "paraphrases"/);
    expect(r.stderr).toMatch(/b\.yaml:19:9 .*duplicate case id "one"/);
    expect(r.stderr).toMatch(/c\.yaml:\d+:\d+ /);
    expect(r.stderr).not.toMatch(/\n\s+at .*\.ts:\d+/);
  });
});
