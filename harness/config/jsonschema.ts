import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { bankSchema } from './bank.ts';
import { locate } from './load.ts';
import { localeSchema, packSchema } from './scenario.ts';
import { recordSchema } from '../run/journal.ts';
import { summarySchema } from '../score/types.ts';

// JSON Schemas are generated from the zod schemas (the single source of
// truth), never written by hand; editors use them to complete the YAML.

export function jsonSchemas(): Record<string, unknown> {
  const opts = { io: 'input', unrepresentable: 'any' } as const;
  return {
    'scenarios/schema.json': { $id: 'https://harness.dev/schemas/scenario-pack.json', title: 'harness scenario pack', ...z.toJSONSchema(packSchema, opts) },
    'scenarios/locale.schema.json': { title: 'harness locale file', ...z.toJSONSchema(localeSchema, opts) },
    'banks/schema.json': { $id: 'https://harness.dev/schemas/bank-profile.json', title: 'harness bank profile', ...z.toJSONSchema(bankSchema, opts) },
    // What a run folder holds, for scripts that read it: one line of results.jsonl (cross-channel `route`, `carried` and each turn's `channel` included), and summary.json with its survey scorecard.
    'schemas/results.schema.json': { $id: 'https://harness.dev/schemas/conversation-record.json', title: 'harness results.jsonl line', ...z.toJSONSchema(recordSchema, { io: 'output', unrepresentable: 'any' }) },
    'schemas/summary.schema.json': { $id: 'https://harness.dev/schemas/summary.json', title: 'harness summary.json', ...z.toJSONSchema(summarySchema, { io: 'output', unrepresentable: 'any' }) },
  };
}

export function writeSchemas(root = locate('.')): string[] {
  const written: string[] = [];
  for (const [file, schema] of Object.entries(jsonSchemas())) {
    const path = join(root, file);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, JSON.stringify(schema, null, 2) + '\n');
    written.push(file);
  }
  return written;
}
