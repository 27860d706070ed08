import { outsideQuietHours } from '../workflows/quiet-hours';

const at = (iso: string) => Date.parse(iso);

describe('reminders wait for the end of quiet hours', () => {
  const night = { start: '20:00', end: '08:00', timeZone: 'Europe/London' };

  test('when a reminder falls in the evening, then it moves to 08:00 the next morning, local time', () => {
    expect(new Date(outsideQuietHours(at('2026-01-15T21:30:00Z'), night)).toISOString()).toBe('2026-01-16T08:00:00.000Z');
  });

  test('when it falls after midnight, then it moves to 08:00 the same day', () => {
    expect(new Date(outsideQuietHours(at('2026-01-16T03:10:20Z'), night)).toISOString()).toBe('2026-01-16T08:00:00.000Z');
  });

  test('when it falls in the day, then it stays', () => {
    expect(outsideQuietHours(at('2026-01-16T12:00:00Z'), night)).toBe(at('2026-01-16T12:00:00Z'));
  });

  test('the window is read in its own time zone (London is UTC+1 in summer)', () => {
    expect(new Date(outsideQuietHours(at('2026-07-01T06:30:00Z'), night)).toISOString()).toBe('2026-07-01T07:00:00.000Z');
  });

  test('a window that does not wrap midnight, and no window at all', () => {
    const lunch = { start: '12:00', end: '13:30', timeZone: 'UTC' };
    expect(new Date(outsideQuietHours(at('2026-01-16T12:45:00Z'), lunch)).toISOString()).toBe('2026-01-16T13:30:00.000Z');
    expect(outsideQuietHours(at('2026-01-16T12:45:00Z'), null)).toBe(at('2026-01-16T12:45:00Z'));
  });
});
