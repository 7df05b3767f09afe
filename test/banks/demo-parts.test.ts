import { describe, expect, it } from 'vitest';
import { partFor } from '../../banks/demo/index.ts';

describe('the embedded demo bank', () => {
  it('maps every ${embedded:…} variable of the demo profile to the part that publishes it', () => {
    expect(partFor('api')).toBe('api');
    expect(partFor('web')).toBe('web');
    expect(partFor('wechat')).toBe('web');
    expect(partFor('wechat-mp-token')).toBe('wechat-mp');
    expect(partFor('hotline')).toBe('hotline');
    expect(partFor('hotline-sip')).toBe('hotline-sip');
    expect(partFor('fax')).toBeUndefined();
  });
});
