import { describe, expect, it } from 'vitest';
import { SURVEY, type Scorecard } from '../../harness/score/scorecard.ts';
import { scorecardComparisonSection, scorecardSection } from '../../reports/scorecard/html.ts';
import { scorecardComparisonMarkdown, scorecardMarkdown } from '../../reports/scorecard/markdown.ts';

const card = (over: Partial<Scorecard> = {}): Scorecard => ({
  diversity: {
    channels: [
      { name: 'web', label: '网页在线客服', kind: 'online', medium: 'web', conversations: 8, answeredShare: 0.88, ai: true },
      { name: 'hotline', label: '热线语音', kind: 'hotline', medium: 'hotline', conversations: 8, answeredShare: 0.25, ai: false },
    ],
    byMedium: { web: 1, hotline: 1 },
    online: { channels: 1, ai: true },
    hotline: { channels: 1, ai: false },
  },
  convenience: { hotlines: [{ channel: 'hotline', label: '热线语音', calls: 8, ivrDepth: 4, ivrBucket: '4–5', humanInFirstMenu: false, timeToHumanS: null, waitBucket: null, humanNotReached: true }] },
  integration: {
    pairs: [{ from: 'web', to: 'hotline', fromKind: 'online', toKind: 'hotline', cases: ['feedback-lookup/web-then-hotline'], n: 2, passed: 1, ok: false }],
    skipped: [{ pack: 'feedback-lookup', case: 'wechat-then-web', reason: 'turn 1: bank "x" has no wechat channel' }],
    integrated: false,
    onlineHotline: false,
  },
  effectiveness: { online: { recognition: 3.5, completeness: 2.75, effectiveness: 6.25, n: 8 }, hotline: { recognition: 2, completeness: 1.5, effectiveness: 3.5, n: 8 } },
  reference: SURVEY,
  ...over,
});

describe('the scorecard in report.md', () => {
  it('says what a user needs to read: the measured AI, an agent never reached, a failing pair and an untested case, each beside the survey', () => {
    const md = scorecardMarkdown(card(), 'zh');
    expect(md).toContain('| 网页在线客服 (web) | 在线 | 网页 | 8 | 88% | 有 |');
    expect(md).toContain('| 热线语音 (hotline) | 热线 | 热线 | 8 | 25% | 无 |');
    expect(md).toContain('| 热线语音 (hotline) | 8 | 4 (4–5) | 无 | 等待期内未接通人工 |');
    expect(md).toContain('| web | hotline | feedback-lookup/web-then-hotline | 1/2 | 查询不到 |');
    expect(md).toContain('- 未测：feedback-lookup/wechat-then-web（turn 1: bank "x" has no wechat channel）');
    expect(md).toContain('| 热线AI | 2.00 | 1.50 | 3.50 | 2.27 / 2.86 / 5.13 |');
    expect(md).toContain('> 调研：51% 的银行可在其他渠道查询已提交的反馈，其中仅 25% 在线与热线互通');
    expect(md).toContain('本工具不评价人工坐席服务');
  });

  it('speaks English with --lang en', () => {
    const md = scorecardMarkdown(card(), 'en');
    expect(md).toContain('## Survey scorecard: channel construction and AI service');
    expect(md).toContain('| web | hotline | feedback-lookup/web-then-hotline | 1/2 | not found |');
    expect(md).toContain('no agent within the wait');
  });

  it('lines up several banks against the survey column, and says which were not tested', () => {
    const integrated = card({ integration: { pairs: [], skipped: [], integrated: null, onlineHotline: null } });
    const md = scorecardComparisonMarkdown([{ label: '甲银行', scorecard: card() }, { label: '乙银行', scorecard: integrated }, { label: '旧运行' }], 'zh');
    expect(md).toContain('| 指标 | 甲银行 | 乙银行 | 调研参考 |');
    expect(md).toContain('| 跨渠道可查询反馈 | 0/1 通过 | 未测试 | 51% |');
    expect(md).toContain('| 在线⇄热线互通 | 无 | 未测试 | 25%* |');
    expect(md).toContain('- 甲银行: 未测：feedback-lookup/wechat-then-web');
    expect(scorecardComparisonMarkdown([{ label: '旧运行' }], 'zh')).toBe('');
  });
});

describe('the scorecard in index.html', () => {
  it('escapes what came from a profile and draws the survey as a reference series', () => {
    const html = scorecardSection(card({ diversity: { ...card().diversity, channels: [{ ...card().diversity.channels[0], label: '<img src=x onerror=alert(1)>' }] } }), 'zh', '示例<银行>');
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('调研行业均值');
    expect(html.match(/<svg/g)).toHaveLength(1);
  });

  it('shows the wait chart with the survey\'s bucket lines when an agent answered', () => {
    const waited = card({ convenience: { hotlines: [{ ...card().convenience.hotlines[0], timeToHumanS: 24.5, waitBucket: '20–40 s', humanNotReached: false }] } });
    const html = scorecardComparisonSection([{ label: 'A', scorecard: waited }], 'en');
    expect(html.match(/<svg/g)).toHaveLength(2);
    expect(html).toContain('24.5 s (20–40 s)');
    expect(html).toContain('20 s');
  });
});
