import { describe, expect, it } from 'vitest';
import { loadBank } from '../../harness/config/load.ts';
import { computeScorecard, ivrBucket, SURVEY, waitBucket } from '../../harness/score/scorecard.ts';
import type { GradedConversation, RecognitionLevel } from '../../harness/types.ts';

const { profile } = loadBank('demo');

let n = 0;
/** One graded conversation: its channel, the level of its turns, whether it passed, and what the record holds besides. */
function conv(channel: string, levels: RecognitionLevel[], passed: boolean, extra: Partial<GradedConversation['record']> = {}): GradedConversation {
  const id = `demo/${channel}/p/c${n++}#0.0`;
  return {
    record: {
      id,
      bank: 'demo',
      channel,
      kind: channel.includes('hotline') ? 'hotline' : 'online',
      pack: 'feedback-lookup',
      case: 'c',
      variant: 0,
      repeat: 0,
      startedAt: '2026-01-01T00:00:00Z',
      durationMs: 1,
      attempts: 1,
      turns: [],
      ...extra,
    },
    grade: {
      id,
      recognition: passed ? 5 : 1,
      completeness: passed ? 5 : 1,
      passed,
      turns: levels.map((level, index) => ({ index, level, recognition: 0, completeness: 0, hits: [], forbidHits: [], reasons: [], grader: 'rules' as const })),
    },
  };
}

const sides = {
  online: { recognition: 4.1, completeness: 3.2, effectiveness: 7.3, n: 10 },
  hotline: { recognition: 3, completeness: 2.5, effectiveness: 5.5, n: 4 },
};

describe('the survey scorecard', () => {
  it('says a channel has AI only when its bot answered on topic in at least half of the conversations', () => {
    const sc = computeScorecard({
      profile,
      summary: sides,
      conversations: [
        conv('web', ['first'], true),
        conv('web', ['after-rephrase'], true),
        conv('wechat', ['fallback'], false),
        conv('wechat', ['handoff'], false),
        conv('wechat', ['after-clarify'], true),
      ],
    });
    expect(sc.diversity.channels.map((c) => [c.name, c.medium, c.answeredShare, c.ai])).toEqual([
      ['web', 'web', 1, true],
      ['wechat', 'wechat', 0.33, false],
    ]);
    expect(sc.diversity.online).toEqual({ channels: 2, ai: true });
    // No hotline in the run: no hotline AI measured.
    expect(sc.diversity.hotline).toEqual({ channels: 0, ai: false });
    expect(sc.diversity.byMedium).toEqual({ web: 1, wechat: 1 });
  });

  it('buckets the IVR depth and the wait for a human as the survey does, from the calls\' own measurements', () => {
    const calls = [3, 4, 4].map((ivrDepth) => conv('hotline', ['first'], true, { metrics: { ivrDepth, humanInFirstMenu: false, timeToHumanMs: 24_500, timeToBotMs: 900 } }));
    const sc = computeScorecard({ profile, summary: sides, conversations: calls });
    expect(sc.convenience.hotlines).toEqual([
      { channel: 'hotline', label: '热线语音', calls: 3, ivrDepth: 4, ivrBucket: '4–5', humanInFirstMenu: false, timeToHumanS: 24.5, waitBucket: '20–40 s', humanNotReached: false },
    ]);
    expect([1, 2, 3, 4, 5, 6, 9].map(ivrBucket)).toEqual(['≤1', '2–3', '2–3', '4–5', '4–5', '≥6', '≥6']);
    expect([0.3, 20, 20.1, 40, 59, 61].map(waitBucket)).toEqual(['≤20 s', '≤20 s', '20–40 s', '20–40 s', '40–60 s', '>60 s']);
  });

  it('tells an agent that never answered from a wait that was not measured', () => {
    const asked = computeScorecard({ profile, summary: sides, conversations: [conv('hotline', ['first'], true, { metrics: { ivrDepth: 2, humanInFirstMenu: true, timeToHumanMs: null } })] });
    expect(asked.convenience.hotlines[0]).toMatchObject({ timeToHumanS: null, waitBucket: null, humanNotReached: true });
    const notAsked = computeScorecard({ profile, summary: sides, conversations: [conv('hotline', ['first'], true, { metrics: { ivrDepth: 2, humanInFirstMenu: true } })] });
    expect(notAsked.convenience.hotlines[0]).toMatchObject({ timeToHumanS: null, waitBucket: null, humanNotReached: false });
  });

  it('passes a channel pair only when every cross-channel conversation of it found the ticket, and keeps them out of the channels', () => {
    const sc = computeScorecard({
      profile,
      summary: sides,
      skipped: [{ pack: 'feedback-lookup', case: 'x', reason: 'bank "demo" has no wechat channel' }],
      conversations: [
        conv('web', ['first'], true),
        conv('web>hotline', ['first', 'first'], true, { route: ['web', 'hotline'] }),
        conv('web>hotline', ['first', 'first'], false, { route: ['web', 'hotline'] }),
        conv('wechat>web', ['first', 'first'], true, { route: ['wechat', 'web'] }),
      ],
    });
    expect(sc.diversity.channels.map((c) => c.name)).toEqual(['web']);
    expect(sc.integration.pairs.map((p) => [p.from, p.to, p.fromKind, p.toKind, p.passed, p.n, p.ok])).toEqual([
      ['web', 'hotline', 'online', 'hotline', 1, 2, false],
      ['wechat', 'web', 'online', 'online', 1, 1, true],
    ]);
    expect(sc.integration.integrated).toBe(true);
    expect(sc.integration.onlineHotline).toBe(false);
    expect(sc.integration.skipped).toHaveLength(1);
  });

  it('has nothing to say about integration when no cross-channel case ran, and carries the survey\'s figures', () => {
    const sc = computeScorecard({ profile, summary: sides, conversations: [conv('api', ['first'], true)] });
    expect(sc.integration).toEqual({ pairs: [], skipped: [], integrated: null, onlineHotline: null });
    expect(sc.effectiveness).toEqual(sides);
    expect(sc.reference).toEqual(SURVEY);
    const { recognition, completeness, effectiveness } = SURVEY.industry;
    expect(recognition! + completeness!).toBeCloseTo(effectiveness!, 5);
  });
});
