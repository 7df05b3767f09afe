import type { Brain } from './brain/types.ts';

// One server of the embedded demo bank (HTTP API, web pages, WeChat MP,
// hotline…). banks/demo/index.ts starts every part on loopback with a random
// port and hands the profile the variables the parts publish.

export interface DemoOptions {
  /** Reply latency in ms added by each channel before answering. */
  latencyMs: number;
  /** Uniform jitter ± ms around latencyMs (seeded, deterministic). */
  jitterMs: number;
  brain: { quality: 'good' | 'average' | 'poor'; contextKeep: number; integration?: boolean; relatedQuestions?: boolean };
  /** Free-form per-part options from the profile's `embeddedOptions`. */
  [part: string]: unknown;
}

export interface RunningPart {
  /** Variables for `${embedded:NAME}` in the profile, e.g. { api: 'http://127.0.0.1:41234' }. */
  vars: Record<string, string>;
  close(): Promise<void>;
}

export type DemoPart = (brain: Brain, options: DemoOptions) => Promise<RunningPart>;
