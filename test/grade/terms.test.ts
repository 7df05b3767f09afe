import { describe, expect, it } from 'vitest';
import { firstOccurring, occurring } from '../../harness/grade/terms.ts';

// A fixed list of phrases found in a reply from the reply's characters must
// name exactly the phrases a search for each would, in the list's order.

const phrases = ['转人工', '人工客服', '人工', '请稍等', '挂失', '临时挂失', '挂'];

describe('phrases of a fixed list found in a reply', () => {
  const replies = ['正在为您转人工客服，请稍等', '请先办理临时挂失，再挂失补卡', '您好，请问有什么可以帮您', '', '人工人工'];

  it('are the ones a search for each finds, in the list order, each once', () => {
    for (const reply of replies) expect(occurring(phrases, reply)).toEqual(phrases.filter((p) => reply.includes(p)));
    expect(occurring(phrases, '请先办理临时挂失，再挂失补卡')).toEqual(['挂失', '临时挂失', '挂']);
  });

  it('the first of them is the first of the list that the reply holds, not the first in the reply', () => {
    for (const reply of replies) expect(firstOccurring(phrases, reply)).toBe(phrases.find((p) => reply.includes(p)));
    expect(firstOccurring(phrases, '请稍等，正在转人工')).toBe('转人工');
  });
});
