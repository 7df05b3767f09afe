// The demo bank's brain: one deterministic FAQ bot shared by every demo
// channel (API, web, WeChat, WeChat MP, hotline), so that a difference between
// channels is the channel's doing.

export type BrainReplyKind = 'answer' | 'clarify' | 'fallback' | 'handoff' | 'ask-data' | 'greeting';

export interface BrainReply {
  /** The whole reply text. */
  text: string;
  /** The reply split into chat bubbles (web/WeChat split long replies). */
  parts: string[];
  /** The bot's own intent label (e.g. card.report_loss), null on fallback. */
  intent: string | null;
  /** Quick-reply buttons (clarifying questions offer choices). */
  buttons: string[];
  handoff: boolean;
  kind: BrainReplyKind;
  /** The buttons are related questions after an answer, not a menu. */
  related?: boolean;
}

export interface BrainSession {
  /** Answer one customer message in the context of this session. */
  reply(text: string): BrainReply;
  /** The greeting a channel shows before the customer speaks. */
  welcome(): BrainReply;
}

export interface Brain {
  /**
   * A conversation on one channel (api, web, wechat, wechat-mp, hotline);
   * the same messages in the same order always get the same replies.
   */
  session(channel?: string): BrainSession;
}

export interface BrainOptions {
  /** 0..1: how often a follow-up keeps the previous topic (seeded by the first message). */
  contextKeep?: number;
  /** A "weaker" brain for multi-bank comparisons: fewer synonyms, more fallbacks. */
  quality?: 'good' | 'average' | 'poor';
  /**
   * Show 2–4 "猜你想问" related-question buttons after every answer, as most
   * bank bots do — usually about something else than the question.
   */
  relatedQuestions?: boolean;
  /**
   * Channel integration (default true): feedback left on one channel can be
   * looked up by its ticket number on every other. false: each channel keeps
   * its own tickets, as at a bank whose channels are not integrated.
   */
  integration?: boolean;
}
