import { describe, expect, it } from 'vitest';
import { localTime } from '../../reports/time.ts';

// A run's times as the reader's wall clock, zone named: never a bare UTC ISO string.

describe('localTime', () => {
  it('writes an instant as local time with the zone offset', () => {
    expect(localTime('2026-12-01T03:45:46.123Z', 'Asia/Shanghai')).toBe('2026-12-01 11:45:46 UTC+08:00');
    expect(localTime('2026-12-01T03:45:46.123Z', 'UTC')).toBe('2026-12-01 03:45:46 UTC+00:00');
    // Across midnight and daylight saving time.
    expect(localTime('2026-07-01T03:45:46Z', 'America/New_York')).toBe('2026-06-30 23:45:46 UTC-04:00');
    expect(localTime('2026-01-15T03:45:46Z', 'America/New_York')).toBe('2026-01-14 22:45:46 UTC-05:00');
    expect(localTime('2026-01-15T03:45:46Z', 'Asia/Kolkata')).toBe('2026-01-15 09:15:46 UTC+05:30');
  });

  it('leaves a value that is not a time as it is', () => {
    expect(localTime('not a time', 'UTC')).toBe('not a time');
  });
});
