// The contracts between the engine and its plugins. Adapters, graders and
// renderers import this file (and shared utilities), never the runner.

export type ChannelKind = 'online' | 'hotline';

/** The languages reports, grader reasons and console text speak. */
export const langs = ['zh', 'en'] as const;
export type Lang = (typeof langs)[number];

/** Why the simulated customer sends a message. */
export type AttemptKind =
  | 'first' // the scripted question (one variant of `say`)
  | 'clarify-answer' // answering the bot's own clarifying question
  | 'rephrase' // the paraphrase retry after a fallback or off-topic reply
  | 'reply'; // a scripted `replies` answer to the bot asking for data

/** One message the customer sends in a turn. */
export interface Utterance {
  /** Index of the scripted turn in the case. */
  index: number;
  text: string;
  /** Press this quick-reply button instead of typing (web/WeChat), when present. */
  click?: string;
  attempt: AttemptKind;
}

export interface BotMessage {
  text: string;
  /** Milliseconds from sending the utterance to this message appearing. */
  atMs?: number;
  kind?: 'text' | 'news' | 'card' | 'voice' | 'system';
}

export interface BotReply {
  /** All messages joined in order with "\n". */
  text: string;
  messages: BotMessage[];
  /** Quick-reply buttons / menu options offered with the reply. */
  buttons: string[];
  latency: { firstMs: number | null; settledMs: number | null };
  /** The bot's own intent label, where it exposes one. */
  intent?: string;
  /** The bot transferred the customer to a human agent. */
  handoff?: boolean;
  /** The text came through speech recognition (enables pinyin matching). */
  transcribed?: boolean;
  /** Evidence files are paths relative to the run folder. */
  evidence?: {
    screenshot?: string;
    audio?: string;
    callerAudio?: string;
    /** What the adapter received beyond the extracted text (never the same text twice). */
    raw?: unknown;
    /** The file holding the whole reply when `text` was cut (capped too: see `truncated`). */
    full?: string;
  };
  /**
   * `text` was cut to the stored cap; the whole reply is in `evidence.full`.
   * An adapter that had to cut a reply as it arrived sets it itself, with the
   * length it saw.
   */
  truncated?: { originalChars: number };
}

/** UTF-8 bytes of reply text (and of all its messages together) stored and graded. */
export const REPLY_TEXT_CAP = 64 * 1024;
/** UTF-8 bytes of a whole reply kept in its evidence file. */
export const REPLY_FULL_CAP = 256 * 1024;

export const transportFaultKinds = [
  'timeout',
  'refused',
  'crashed',
  'protocol',
  'server-error',
  'rate-limited',
  'busy',
  'no-answer',
  'declined',
  'not-found',
  'unreachable',
  'dropped',
] as const;
export type TransportFaultKind = (typeof transportFaultKinds)[number];

/**
 * A fault of the path to the bot (network, 5xx, browser crash, call dropped).
 * The driver resends the failed request in the same session with backoff; a
 * fault that broke the session itself (`sessionBroken`) goes up to the
 * runner, which restarts the conversation. A wrong answer is never a fault.
 */
export class TransportFault extends Error {
  constructor(
    readonly kind: TransportFaultKind,
    message: string,
    readonly opts: {
      retryable?: boolean;
      retryAfterMs?: number;
      cause?: unknown;
      /** The session is gone (browser crashed, call dropped, the bot forgot it): resending in it is futile. */
      sessionBroken?: boolean;
    } = {},
  ) {
    super(message, { cause: opts.cause });
    this.name = 'TransportFault';
  }
  get retryable(): boolean {
    return this.opts.retryable ?? !['busy', 'declined', 'not-found'].includes(this.kind);
  }
  /** Default: a crash or a dropped call ends the session; a 5xx, 429, timeout or reset of one request does not. */
  get sessionBroken(): boolean {
    return this.opts.sessionBroken ?? (this.kind === 'crashed' || this.kind === 'dropped');
  }
}

export interface AdapterContext {
  /** Stable id: bank/channel/pack/case#variant.repeat */
  conversationId: string;
  bank: string;
  channel: string;
  /** Absolute folder for this conversation's evidence (create it when needed). */
  evidenceDir: string;
  /** Turns an absolute evidence path into the run-relative path stored in results. */
  relative(path: string): string;
  /** Stable per conversation; use it to seed anything random. */
  seed: number;
  /** 1 for a conversation's first attempt, 2 for its first retry …; absent counts as 1. */
  attempt?: number;
  signal: AbortSignal;
  log(message: string): void;
}

/** What one configured path or selector extracted from the raw response. */
export interface Extraction {
  /** The profile field: `response.text`, `selectors.botMessage`, … */
  field: string;
  /** The path or selector as written in the profile. */
  rule: string;
  /** What it extracted (empty: it matched nothing). */
  values: string[];
}

/**
 * Everything an adapter saw while answering the last utterance: what
 * `harness try` prints and what preflight reads to tell a wrong path or
 * selector from a silent bot. Kept in memory only, never journalled.
 */
export interface ReplyInspection {
  request?: { method?: string; url?: string; headers?: Record<string, string>; body?: string };
  /** The raw response: HTTP status/headers/body, a chat area's DOM text, a call's transcript. */
  response?: { status?: number; headers?: Record<string, string>; body?: string };
  extracted: Extraction[];
  /** Files worth opening (absolute paths): a screenshot, the bot's audio. */
  files?: Record<string, string>;
  /** How to fix a path or selector that matched nothing ("did you mean data.answers[*].content?"). */
  suggestions?: string[];
}

export interface Session {
  send(utterance: Utterance, signal: AbortSignal): Promise<BotReply>;
  /** What the last `send` saw on the way (raw response, each extraction); adapters that can tell implement it. */
  inspect?(): ReplyInspection | undefined;
  /** `failed` is true when the conversation ends in a fault (keep a trace, say). */
  close(outcome: { failed: boolean }): Promise<void>;
  /** Channel metrics measured during the conversation (IVR depth, time to bot…). */
  metrics?(): Record<string, number | boolean | string | null>;
}

export interface Adapter {
  /** The channel's speech is simulated (reports say so). */
  readonly simulated?: boolean;
  open(ctx: AdapterContext): Promise<Session>;
  /** Once, at the end of the run: close browsers, sockets, servers. */
  dispose(): Promise<void>;
}

/**
 * When a browser channel records a Playwright trace: never; for a retried
 * attempt only, kept when it fails too (the default, as Playwright's own
 * on-first-retry); for every attempt, kept when it fails; for every attempt,
 * always kept.
 */
export const traceModes = ['off', 'on-retry', 'on-failure', 'on'] as const;
export type TraceMode = (typeof traceModes)[number];

export interface AdapterEnv {
  runDir: string;
  /** Folder of the bank profile, to resolve relative paths in it. */
  profileDir: string;
  options: {
    screenshots: boolean;
    trace: TraceMode;
    turnTimeoutMs: number;
    debug: boolean;
  };
  log(message: string): void;
}

export type AdapterFactory<C = unknown> = (config: C, env: AdapterEnv) => Adapter | Promise<Adapter>;

// ---------------------------------------------------------------------------
// What the journal holds: one record per finished conversation.

export interface Exchange {
  utterance: Utterance;
  reply: BotReply;
  /** Times the utterance was resent in the same session after a transport fault (absent: none). */
  retries?: number;
}

export interface TurnRecord {
  index: number;
  exchanges: Exchange[];
  /** Cross-channel cases: the channel the turn was said on. */
  channel?: string;
  /** The turn was not said: it names values (`{{ticket}}`) no earlier reply gave. */
  unsent?: { missing: string[] };
}

export interface ConversationRecord {
  id: string;
  bank: string;
  channel: string;
  kind: ChannelKind;
  pack: string;
  case: string;
  variant: number;
  repeat: number;
  startedAt: string;
  durationMs: number;
  /** Transport attempts it took (1 = no retry). */
  attempts: number;
  turns: TurnRecord[];
  /** Set when the conversation could not be completed after retries. */
  error?: { kind: TransportFaultKind | 'internal'; message: string };
  metrics?: Record<string, number | boolean | string | null>;
  /** The speech path was simulated (no real audio). */
  simulated?: boolean;
  /**
   * Cross-channel cases: the channels the conversation went through, one
   * session each, in order (`channel` is then their pseudo-channel `web>hotline`).
   */
  route?: string[];
  /** Values remembered from replies and said in later turns (`remember:` in the pack). */
  carried?: Record<string, string>;
}

// ---------------------------------------------------------------------------
// Grades. A grade is data: every score carries its reasons.

export type MatchHow = 'synonym' | 'fuzzy' | 'pinyin' | 'llm';

export interface KeypointHit {
  id: string;
  weight: number;
  hit: boolean;
  how?: MatchHow;
  /** The words of the reply that matched. */
  matched?: string;
}

export type RecognitionLevel =
  | 'first' // 5
  | 'after-clarify' // 4
  | 'after-rephrase' // 3
  | 'off-topic' // 1
  | 'fallback' // 0
  | 'silence' // 0
  | 'error' // 0
  | 'handoff'; // 0 where not accepted; 5 where required/accepted

export interface TurnGrade {
  index: number;
  recognition: number;
  completeness: number;
  level: RecognitionLevel;
  hits: KeypointHit[];
  forbidHits: string[];
  /** The pack whose key points the reply matched best, when not its own. */
  topic?: string;
  reasons: string[];
  grader: 'rules' | 'llm';
}

export interface CaseGrade {
  id: string;
  recognition: number;
  completeness: number;
  turns: TurnGrade[];
  passed: boolean;
}

export interface GradedConversation {
  record: ConversationRecord;
  grade: CaseGrade;
  /** Second grader's verdict with `--grader both`. */
  alt?: CaseGrade;
}
