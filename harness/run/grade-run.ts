import type { Lang } from '../types.ts';
import { caseIn } from '../config/case-index.ts';
import type { Locale, Pack } from '../config/scenario.ts';
import { findCannedReplies, gradeConversation, graders } from '../grade/index.ts';
import { meetsCanned } from '../grade/fallback.ts';
import type { GradeContext, Grader } from '../grade/types.ts';
import type { CaseGrade, ConversationRecord, GradedConversation } from '../types.ts';

// The grade stage: a pure replay of the journal. Run-level facts (the same
// canned reply given to unrelated questions) are found first, then each
// conversation is graded; with `both`, the LLM verdict rides along as `alt`.

export interface GradeRunOptions {
  packs: Pack[];
  locale: Locale;
  grader: 'rules' | 'llm' | 'both';
  good: number;
  fuzzyThreshold?: number;
  llm?: Grader;
  /** Language of the reasons (default: the packs' locale). */
  lang?: Lang;
  /**
   * Rules grades given while the run went on, under a context with no canned
   * replies, the same packs, locale, threshold and language: they stand as
   * the final grades of every conversation none of whose replies turns out
   * to be canned.
   */
  live?: Map<string, CaseGrade>;
}

export function gradeContext(packs: Pack[], locale: Locale, records: ConversationRecord[] = [], fuzzyThreshold = 0.8, lang?: Lang): GradeContext {
  return { packs, locale, cannedReplies: records.length ? findCannedReplies(records, packs, locale) : new Set(), fuzzyThreshold, lang };
}

export async function gradeRun(records: ConversationRecord[], opts: GradeRunOptions): Promise<GradedConversation[]> {
  const ctx = gradeContext(opts.packs, opts.locale, records, opts.fuzzyThreshold, opts.lang);
  const packs = new Map(opts.packs.map((p) => [p.id, p]));
  const primary = opts.grader === 'llm' ? (opts.llm ?? (await graders.llm())) : await graders.rules();
  const second = opts.grader === 'both' ? (opts.llm ?? (await graders.llm())) : undefined;
  const live = opts.grader === 'rules' && opts.fuzzyThreshold === undefined ? opts.live : undefined;
  const touched = meetsCanned(ctx.cannedReplies, opts.locale);
  // In parallel: an LLM judge keeps its own concurrency limit; the rules grader is synchronous anyway.
  const graded = await Promise.all(
    records.map(async (record): Promise<GradedConversation | undefined> => {
      const pack = packs.get(record.pack);
      if (!pack || !caseIn(pack, record.case)) return undefined; // a pack edited since the run
      const given = live?.get(record.id);
      if (given && !touched(record)) return { record, grade: given };
      const [grade, alt] = await Promise.all([
        gradeConversation(record, pack, primary, ctx, opts.good),
        second ? gradeConversation(record, pack, second, ctx, opts.good) : undefined,
      ]);
      return alt ? { record, grade, alt } : { record, grade };
    }),
  );
  await Promise.all([primary.close?.(), second?.close?.()]);
  return graded.filter((g): g is GradedConversation => !!g);
}
