import type { Lang } from '../harness/types.ts';
import type { SetupProblem, Summary } from '../harness/score/types.ts';

// The banner at the top of a report: channels whose results say more about
// the setup than about the bot (stopped, or mostly empty replies), each with
// its cause, its fix and the `harness try` command that shows what came back.

export interface SetupLine {
  channel: string;
  headline: string;
  cause: string;
  fixes: string[];
  check: string;
}

export function setupTitle(lang: Lang): string {
  return lang === 'en' ? 'Likely setup problems — these scores are not the bot\'s' : '疑似配置问题 —— 以下渠道的结果不代表机器人的水平';
}

export function setupLines(summary: Summary): SetupLine[] {
  const en = summary.run.lang === 'en';
  return (summary.setup ?? []).map((p: SetupProblem) => ({
    channel: p.channel,
    headline:
      p.problem === 'stopped'
        ? en
          ? `stopped by ${p.by === 'breaker' ? 'the circuit breaker' : 'preflight'} (${p.kind}); its conversations were not run`
          : `已被${p.by === 'breaker' ? '熔断' : '预检'}停止（${p.kind}），该渠道的会话未执行`
        : en
          ? `mostly empty replies (${Math.round((p.share ?? 0) * 100)}%)`
          : `多数回复为空（${Math.round((p.share ?? 0) * 100)}%）`,
    cause: p.cause,
    fixes: p.fix.split('\n').filter(Boolean),
    check: p.tryCommand,
  }));
}

export function setupLabels(lang: Lang) {
  return lang === 'en' ? { cause: 'cause', fix: 'fix', check: 'check with' } : { cause: '原因', fix: '修正', check: '检查命令' };
}
