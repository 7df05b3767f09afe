import type { AssessReply } from './types.ts';
import { analyseReplyCached } from './analysis-cache.ts';

/**
 * What the conversation driver needs while the conversation goes on:
 * silence, handoff, clarify, ask-data, fallback, off-topic or on-topic.
 */
export const assessReply: AssessReply = (reply, input, ctx) => analyseReplyCached(reply, input, ctx).kind;
