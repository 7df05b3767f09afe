import { describe, expect, it } from 'vitest';
import { mentions, mentionsLoosely, offersHuman } from '../../../adapters/hotline/ivr.ts';
import { applyAsrErrors } from '../../../lib/telephony/simulated/asr-errors.ts';
import { MENU_1 } from '../../../banks/demo/hotline/bot.ts';

describe('reading IVR prompts', () => {
  it('finds a human agent offered with a key in the first menu', () => {
    expect(offersHuman(MENU_1)).toBe(true);
    expect(offersHuman('转人工请按9')).toBe(true);
    expect(offersHuman('客服代表请按零。')).toBe(true);
    expect(offersHuman('欢迎致电。智能语音服务请按1，信用卡服务请按2。')).toBe(false);
    expect(offersHuman('如需人工服务，请在语音助手中说出您的问题。')).toBe(false);
  });

  it('still finds it when the harness heard the menu through recognition errors', () => {
    expect(offersHuman('欢迎致电示例银行。智能语音服务请按1，人攻服务请按0。')).toBe(true); // homophone
    expect(offersHuman('欢迎致电示例银行。智语音服务请按1，工服务请按0。')).toBe(true); // 人 dropped
    let hits = 0;
    for (let seed = 0; seed < 500; seed++) if (offersHuman(applyAsrErrors(MENU_1, { cer: 0.08, seed }))) hits++;
    expect(hits / 500).toBeGreaterThan(0.98);
  });

  it('matches words by sound and loosely by part of the word', () => {
    expect(mentions('银行卡挂湿', '挂失')).toBe(true);
    expect(mentions('银行卡挂号', '挂失')).toBe(false);
    expect(mentionsLoosely('智语音服务', '智能', 1)).toBe(true);
    expect(mentionsLoosely('语音服务', '智能', 1)).toBe(false);
  });
});
