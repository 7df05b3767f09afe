import { z } from 'zod';

// The profile's `ivr:` steps (the navigation itself is in ivr.ts).

export const ivrStepSchema = z.union([
  z.strictObject({ waitPrompt: z.strictObject({ timeoutMs: z.number().int().positive().default(15000) }).default({ timeoutMs: 15000 }) }),
  z.strictObject({ dtmf: z.string().regex(/^[0-9*#A-D]+$/, 'digits 0-9, *, #, A-D') }),
  z.strictObject({ say: z.string().min(1) }),
  z.strictObject({ expect: z.array(z.string().min(1)).min(1) }),
]);
export type IvrStep = z.output<typeof ivrStepSchema>;

