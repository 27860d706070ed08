import type { QuietHours } from './definitions';

const DAY_MINUTES = 24 * 60;
const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/**
 * One formatter per zone, built once (~1 ms of ICU work each) and shared by every run in the
 * worker: formatting depends only on the zone and the instant, so sharing cannot change a replay.
 */
const clocks = new Map<string, Intl.DateTimeFormat>();
const clockIn = (timeZone: string) => {
  let clock = clocks.get(timeZone);
  if (!clock) clocks.set(timeZone, (clock = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })));
  return clock;
};

/** Minutes since local midnight at `at` (epoch ms) in `timeZone`. */
function localMinutes(at: number, timeZone: string): number {
  const parts = clockIn(timeZone).formatToParts(new Date(at));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return get('hour') * 60 + get('minute');
}

/**
 * The first moment at or after `at` outside the quiet hours (e.g. 20:00-08:00 in the
 * recipient's zone): a reminder due at night waits for the morning. Pure, so it is safe in
 * workflow code; the window may wrap midnight.
 */
export function outsideQuietHours(at: number, quiet: QuietHours): number {
  if (!quiet) return at;
  const start = toMinutes(quiet.start);
  const end = toMinutes(quiet.end);
  if (start === end) return at;
  const now = localMinutes(at, quiet.timeZone);
  const inside = start < end ? now >= start && now < end : now >= start || now < end;
  if (!inside) return at;
  const minutesToEnd = (end - now + DAY_MINUTES) % DAY_MINUTES;
  const intoMinute = at % 60_000;
  return at - intoMinute + minutesToEnd * 60_000;
}
