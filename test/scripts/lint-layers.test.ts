import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatViolation, importsOf, lintLayers } from '../../scripts/lint-layers.ts';
import { tempDir } from '../helpers/cli.ts';

// The layer lint on a small fake tree: each layer rule of DESIGN.md "Layout"
// is broken once, and each allowed kind of import appears once.

const roots: string[] = [];
afterAll(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));

function tree(files: Record<string, string>): string {
  const root = tempDir('harness-layers-');
  roots.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

describe('layer lint', () => {
  it('reports each broken rule as file:line imports X (rule)', () => {
    const root = tree({
      'lib/telephony/g711.ts': "import alawmulaw from 'alawmulaw';\nimport { sleep } from '../../harness/util/sleep.ts';\n",
      'adapters/hotline/index.ts': "import type { Adapter } from '../../harness/types.ts';\nimport { fnv1a } from '../../harness/util/hash.ts';\nimport { rules } from '../../harness/grade/rules.ts';\n",
      'banks/demo/hotline/sip.ts': "import { RtpSession } from '../../../lib/telephony/rtp/session.ts';\n\nconst m = await import('../../../adapters/hotline/transport/sip/dialog.ts');\n",
      'reports/junit.ts': "import type { Summary } from '../harness/score/types.ts';\nimport { groupBy } from '../harness/score/rollup.ts';\n",
      'harness/run/finish.ts': "import { readFile } from 'node:fs/promises';\nexport { renderAll } from '../../reports/index.ts';\n",
      'harness/util/hash.ts': "export { fnv1a } from '../../lib/hash.ts';\n",
      'harness/probe.ts': "import { adapters } from '../adapters/registry.ts';\nimport { SharedBrowser } from '../adapters/web/browser.ts';\n",
      'harness/embedded.ts': "export const embedded = { demo: () => import('../banks/demo/index.ts') };\n",
      'harness/run/index.ts': "const { startDemoBank } = await import('../../banks/demo/index.ts');\n",
    });
    expect(lintLayers(root).map(formatViolation)).toEqual([
      'adapters/hotline/index.ts:3 imports harness/grade/rules.ts (adapters import lib, harness/types and harness/util only)',
      'banks/demo/hotline/sip.ts:3 imports adapters/hotline/transport/sip/dialog.ts (banks/demo imports lib and harness/util only)',
      'harness/probe.ts:2 imports adapters/web/browser.ts (harness reaches adapters through adapters/registry.ts only)',
      'harness/run/finish.ts:2 imports reports/index.ts (harness/run imports no renderer)',
      'harness/run/index.ts:1 imports banks/demo/index.ts (harness reaches embedded banks through harness/embedded.ts only)',
      'lib/telephony/g711.ts:2 imports harness/util/sleep.ts (lib imports nothing of ours)',
      'reports/junit.ts:2 imports harness/score/rollup.ts (reports import types only)',
    ]);
  });

  it('passes a tree that keeps the layers', () => {
    const root = tree({
      'lib/wechat/crypto.ts': "import { createHash } from 'node:crypto';\nimport { pad } from './pad.ts';\n",
      'adapters/wechat-mp/index.ts': "import { decrypt } from '../../lib/wechat/crypto.ts';\nimport { TransportFault } from '../../harness/types.ts';\n",
      'banks/demo/wechat-mp.ts': "import { decrypt } from '../../lib/wechat/crypto.ts';\nimport { fnv1a } from '../../harness/util/hash.ts';\n",
      'reports/markdown.ts': "import { type Summary, type Row } from '../harness/score/types.ts';\nimport { label } from './labels.ts';\n",
    });
    expect(lintLayers(root)).toEqual([]);
  });

  it('tells type-only imports from value imports', () => {
    const refs = importsOf(
      "import type { A } from './a.ts';\nimport { type B, C } from './b.ts';\nimport { type D } from './d.ts';\nexport type { E } from './e.ts';\ntype F = import('./f.ts').F;\n",
    );
    expect(refs.map((r) => [r.spec, r.typeOnly])).toEqual([
      ['./a.ts', true],
      ['./b.ts', false],
      ['./d.ts', true],
      ['./e.ts', true],
      ['./f.ts', true],
    ]);
  });
});
