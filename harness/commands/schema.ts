import { writeSchemas } from '../config/jsonschema.ts';

// harness schema: write the JSON Schemas editors complete YAML from,
// generated from the zod schemas (never written by hand).

export function schemaCommand(): void {
  for (const f of writeSchemas()) process.stdout.write(`wrote ${f}\n`);
}
