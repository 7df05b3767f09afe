// The embedded banks a profile may start in-process on loopback
// (`embedded: demo`). Each loads only when a run uses it.

export const embeddedBanks = {
  demo: () => import('../banks/demo/index.ts'),
} as const;

export type EmbeddedBankId = keyof typeof embeddedBanks;
