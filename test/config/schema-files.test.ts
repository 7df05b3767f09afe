import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonSchemas } from '../../harness/config/jsonschema.ts';
import { ROOT } from '../helpers/cli.ts';

describe('JSON Schemas', () => {
  it('the committed schema files are generated from the current zod schemas (run `npx harness schema`)', () => {
    for (const [file, schema] of Object.entries(jsonSchemas())) {
      expect(JSON.parse(readFileSync(join(ROOT, file), 'utf8')), file).toEqual(JSON.parse(JSON.stringify(schema)));
    }
  });

  it('describes the pack keys editors complete', () => {
    const pack = jsonSchemas()['scenarios/schema.json'] as any;
    expect(Object.keys(pack.properties)).toEqual(expect.arrayContaining(['id', 'name', 'intent', 'channels', 'keypoints', 'cases']));
    expect(pack.additionalProperties).toBe(false);
  });
});
