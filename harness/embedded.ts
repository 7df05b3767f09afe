// Embedded banks: systems under test that start on loopback for a run's
// duration (the offline demo), in the banks' own thread (embedded-thread.ts).
// The engine reaches them only through this registry; adding one is a folder
// under banks/ and one line here.

export interface EmbeddedBank {
  /** What `${embedded:NAME}` placeholders in the profile resolve to (addresses on loopback). */
  vars: Record<string, string>;
  close(): Promise<void>;
}

export interface EmbeddedDefinition {
  /** Start the parts named (all when omitted) with the profile's `embeddedOptions`. */
  start(options: Record<string, unknown>, only?: string[]): Promise<EmbeddedBank>;
  /** The part that publishes a `${embedded:NAME}` variable. */
  partFor(variable: string): string | undefined;
}

export const embeddedKinds = ['demo'] as const;
export type EmbeddedKind = (typeof embeddedKinds)[number];

export const embeddedBanks: Record<EmbeddedKind, () => Promise<EmbeddedDefinition>> = {
  demo: async () => {
    const m = await import('../banks/demo/index.ts');
    return { start: (options, only) => m.startDemoBank(options, only), partFor: m.partFor };
  },
};

/** The parts of a bank that publish these `${embedded:NAME}` variables. */
export function partsFor(def: EmbeddedDefinition, variables: string[]): string[] {
  return [...new Set(variables.map((v) => def.partFor(v)).filter((p): p is string => !!p))];
}
