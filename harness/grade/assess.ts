import type { AssessReply, ReplyAssessment } from './types.ts';
import { replyKind } from './analysis-cache.ts';

/**
 * What the conversation driver needs while the conversation goes on:
 * silence, handoff, clarify, ask-data, fallback, off-topic or on-topic.
 */
export const assessReply: (...args: Parameters<AssessReply>) => ReplyAssessment = (reply, input, ctx) => replyKind(reply, input, ctx);
