// The shape of one FAQ entry of the demo bank's knowledge base.

export type Quality = 'good' | 'average' | 'poor';

/** What a short follow-up asks about ("要带什么？", "收费吗？"…). */
export type FollowSlot = 'docs' | 'fee' | 'time' | 'where' | 'online' | 'freeze' | 'proxy';

export interface Topic {
  /** FAQ entry id, e.g. card.lost. */
  id: string;
  /** The bot's intent label, shared with the scenario packs (card.report_loss). */
  intent: string;
  /** The standard question: shown as a quick-reply button, always understood. */
  title: string;
  /**
   * Keywords by the quality that first knows them: [poor and up, average and
   * up, good only]. Space-separated tokens: `word` (weight 2), `a&b` (all
   * parts present, weight 3), `word^4` (explicit weight).
   */
  keys: [string, string?, string?];
  /**
   * Answer sentences. A leading marker says who says it: none = every bot,
   * `+` = average and good, `*` = good only, `?` = sometimes (seeded per
   * conversation; never for poor). This is how answers come out partial.
   */
  answer: string[];
  /** Answers to short follow-ups in this topic. */
  follow?: Partial<Record<FollowSlot, string>>;
  /** Asks for data before answering a personal lookup ("请提供您的卡号以便查询。"). */
  askData?: string;
}
