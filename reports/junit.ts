import type { RenderInput, Renderer } from './types.ts';

// junit.xml: a testsuite per channel, a testcase per conversation. A
// conversation is an error when it could not be completed, and a failure only
// when a CI gate (--fail-under, --baseline) failed and it is part of why —
// never merely for scoring below "good", so a green build shows green.
// Properties carry every conversation's scores.

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[ch]!).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');

export const junitRenderer: Renderer = {
  file: 'junit.xml',
  render({ summary, conversations, gate }: RenderInput): string {
    const suites: string[] = [];
    let tests = 0;
    let failures = 0;
    let errors = 0;
    const byChannel = new Map<string, typeof conversations>();
    for (const c of conversations) {
      const list = byChannel.get(c.record.channel);
      if (list) list.push(c);
      else byChannel.set(c.record.channel, [c]);
    }
    for (const [channel, convs] of byChannel) {
      const cases: string[] = [];
      let f = 0;
      let e = 0;
      let time = 0;
      for (const c of convs) {
        const r = c.record;
        time += r.durationMs / 1000;
        const name = `${r.pack}/${r.case}#${r.variant}.${r.repeat}`;
        const head = `    <testcase classname="${esc(`${r.bank}.${channel}.${r.pack}`)}" name="${esc(name)}" time="${(r.durationMs / 1000).toFixed(3)}">`;
        const score = `recognition ${c.grade.recognition.toFixed(2)}, completeness ${c.grade.completeness.toFixed(2)}`;
        const prop = (name: string, value: string | number) => `        <property name="${name}" value="${esc(String(value))}"/>\n`;
        const props = `      <properties>\n${prop('recognition', c.grade.recognition.toFixed(2))}${prop('completeness', c.grade.completeness.toFixed(2))}${prop('effectiveness', (c.grade.recognition + c.grade.completeness).toFixed(2))}${prop('good', c.grade.passed ? 'yes' : 'no')}      </properties>\n`;
        if (r.error) {
          e++;
          cases.push(`${head}\n      <error type="${esc(r.error.kind)}" message="${esc(r.error.message)}"/>\n    </testcase>`);
        } else if (gate?.byConversation?.[r.id]?.length) {
          f++;
          const reasons = c.grade.turns.flatMap((t) => t.reasons.map((x) => `turn ${t.index + 1}: ${x}`)).join('\n');
          cases.push(`${head}\n${props}      <failure type="gate" message="${esc(gate.byConversation[r.id].join('; '))}">${esc(`${score}\n${reasons}`)}</failure>\n    </testcase>`);
        } else {
          cases.push(`${head}\n${props}      <system-out>${esc(score)}</system-out>\n    </testcase>`);
        }
      }
      tests += convs.length;
      failures += f;
      errors += e;
      suites.push(`  <testsuite name="${esc(`${summary.run.bank}/${channel}`)}" tests="${convs.length}" failures="${f}" errors="${e}" time="${time.toFixed(3)}" timestamp="${esc(summary.run.startedAt)}">\n${cases.join('\n')}\n  </testsuite>`);
    }
    return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="${esc(`harness ${summary.run.id}`)}" tests="${tests}" failures="${failures}" errors="${errors}">\n${suites.join('\n')}\n</testsuites>\n`;
  },
};
