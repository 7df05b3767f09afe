import type { ChannelKind } from '../types.ts';

// summary.json: a stable contract that CI scripts and --baseline read.

export interface ScorePair {
  recognition: number | null;
  completeness: number | null;
  /** recognition + completeness, 0..10 */
  effectiveness: number | null;
}

export interface ScenarioScore extends ScorePair {
  n: number;
  /** Share of conversations that passed (recognition and completeness ≥ the good threshold). */
  passRate: number | null;
}

export interface CaseScore extends ScorePair {
  channel: string;
  pack: string;
  case: string;
  n: number;
  /** With --repeat k > 1: all k repeats of a variant passed, averaged over variants. */
  passK?: number;
  /** Wilson 95 % interval of the pass rate. */
  wilson?: [number, number];
}

export interface ChannelScore extends ScorePair {
  kind: ChannelKind;
  /** The profile's display name for the channel. */
  label?: string;
  conversations: number;
  errors: number;
  simulated?: boolean;
  latency: { firstMsP50: number | null; settledMsP50: number | null; settledMsP90: number | null };
  scenarios: Record<string, ScenarioScore>;
  /** Hotline IVR metrics averaged over calls, where measured. */
  ivr?: Record<string, number | boolean | null>;
}

export interface Summary {
  run: {
    id: string;
    bank: string;
    bankName: string;
    startedAt: string;
    finishedAt: string;
    grader: 'rules' | 'llm' | 'both';
    conversations: number;
    errors: number;
    shard?: string;
    lang: 'zh' | 'en';
  };
  channels: Record<string, ChannelScore>;
  online: ScorePair & { n: number };
  hotline: ScorePair & { n: number; ivr?: Record<string, number | boolean | null> };
  bank: ScorePair & { score100: number | null };
  scenarios: Record<string, ScenarioScore & { name: string }>;
  cases: CaseScore[];
  /** "Good" threshold used for pass rates and shares (default 4.0). */
  good: number;
  /** Agreement between graders with --grader both. */
  agreement?: { kappa: number; agreement: number; disagreements: number };
  /** Channels whose results say more about the setup than about the bot; reports show them first. */
  setup?: SetupProblem[];
}

/** A channel stopped (preflight, circuit breaker) or whose replies were mostly empty. */
export interface SetupProblem {
  channel: string;
  problem: 'stopped' | 'empty-replies';
  /** For a stop: preflight or breaker, and the fault kind. */
  by?: 'preflight' | 'breaker';
  kind?: string;
  cause: string;
  fix: string;
  /** For empty replies: the share of replies that were empty or hit the wait limit. */
  share?: number;
  /** The command that shows what the channel sends back. */
  tryCommand: string;
}
