import FREE_MAIL_DOMAINS_LIST from 'email-providers/common.json';
import type { Referee } from '../db/referees';
import type { ReferenceRequest } from '../db/requests';

/**
 * Signs that a reference may not be what it claims: the candidate answering for a referee, one
 * person answering twice, a survey clicked through unread. Flags are information for the hiring
 * team, never a verdict: nothing here rejects a referee or changes a request.
 */
export type FlagKind =
  | 'same-email-as-candidate' | 'same-phone' | 'free-mail-manager'
  | 'same-ip-as-candidate' | 'same-browser-as-candidate' | 'same-ip-as-referee' | 'too-fast';
export type Flag = { refereeId: string | null; kind: FlagKind; reason: string };

/**
 * Reading a question, thinking and clicking takes a careful referee about 8 s; a survey answered
 * faster than that was likely not read. The 30 s floor keeps one- or two-question surveys sane.
 */
export const SECONDS_PER_QUESTION = 8;
export const MIN_ANSWER_SECONDS = 30;
export const minimumAnswerSeconds = (questions: number) => Math.max(MIN_ANSWER_SECONDS, SECONDS_PER_QUESTION * questions);

// The list carries the RFC 2606 example domains, which no real referee uses and demos and docs do.
const RESERVED = new Set(['example.com', 'example.net', 'example.org']);
const FREE_MAIL = new Set((FREE_MAIL_DOMAINS_LIST as string[]).map((d) => d.toLowerCase()).filter((d) => !RESERVED.has(d)));

export type IntegrityRequest = Pick<ReferenceRequest, 'candidateEmail' | 'candidateIp' | 'candidateUserAgent' | 'templateSnapshot'>;
export type IntegrityReferee = Pick<
  Referee,
  'id' | 'name' | 'email' | 'phone' | 'relationship' | 'status' | 'openedAt' | 'concludedAt' | 'submitIp' | 'submitUserAgent' | 'confirmed' | 'answers'
>;

export function integrityFlags(request: IntegrityRequest, referees: IntegrityReferee[]): Flag[] {
  // A replaced referee is no longer part of the check; only their replacement is judged.
  const current = referees.filter((r) => r.status !== 'replaced');
  const answered = current.filter((r) => r.status === 'answered');
  return current.flatMap((r, i) => [
    ...identityFlags(request, r, current.slice(0, i)),
    ...(r.status === 'answered' ? answerFlags(request, r, answered.slice(0, answered.indexOf(r))) : []),
  ]);
}

/** What the candidate typed when nominating: checked for every referee, answered or not. */
function identityFlags(request: IntegrityRequest, r: IntegrityReferee, earlier: IntegrityReferee[]): Flag[] {
  const flags: Flag[] = [];
  const email = normaliseEmail(r.email);
  if (email === normaliseEmail(request.candidateEmail)) {
    flags.push({ refereeId: r.id, kind: 'same-email-as-candidate', reason: "Referee's email is the candidate's own" });
  }
  // The candidate's phone is not stored, so the check is between referees: one number for two people.
  const phone = phoneKey(r.phone);
  const twin = phone ? earlier.find((o) => phoneKey(o.phone) === phone) : undefined;
  if (twin) flags.push({ refereeId: r.id, kind: 'same-phone', reason: `Same phone number as another referee (${twin.name})` });
  const domain = email.split('@').pop() ?? '';
  const manager = r.relationship === 'manager' || r.confirmed?.relationship === 'manager';
  if (manager && FREE_MAIL.has(domain)) {
    flags.push({ refereeId: r.id, kind: 'free-mail-manager', reason: `Claimed manager uses a free-mail address (${domain})` });
  }
  return flags;
}

/** Where and how fast the answer came: only answered referees have these facts. */
function answerFlags(request: IntegrityRequest, r: IntegrityReferee, earlier: IntegrityReferee[]): Flag[] {
  const flags: Flag[] = [];
  if (r.submitIp && r.submitIp === request.candidateIp) {
    // Both match: one flag that says so, rather than two for the same fact. A user agent alone is
    // not a flag: an up-to-date browser on a common system is shared by millions.
    flags.push(r.submitUserAgent && r.submitUserAgent === request.candidateUserAgent
      ? { refereeId: r.id, kind: 'same-browser-as-candidate', reason: "Same browser (user agent) and IP address as the candidate's nomination" }
      : { refereeId: r.id, kind: 'same-ip-as-candidate', reason: "Answered from the same IP address as the candidate's nomination" });
  }
  // Two colleagues behind one office address share an IP; the same browser too is one person.
  const twin = earlier.find((o) => r.submitIp && o.submitIp === r.submitIp && r.submitUserAgent && o.submitUserAgent === r.submitUserAgent);
  if (twin) flags.push({ refereeId: r.id, kind: 'same-ip-as-referee', reason: `Same browser (user agent) and IP as another referee (${twin.name})` });
  if (r.openedAt && r.concludedAt) {
    const seconds = Math.round((r.concludedAt.getTime() - r.openedAt.getTime()) / 1000);
    const minimum = minimumAnswerSeconds(request.templateSnapshot?.survey.length ?? r.answers?.length ?? 0);
    if (seconds < minimum) {
      flags.push({ refereeId: r.id, kind: 'too-fast', reason: `Survey answered in ${seconds} s, under the ${minimum} s a careful answer takes` });
    }
  }
  return flags;
}

const normaliseEmail = (email: string) => email.trim().toLowerCase();

/**
 * Digits only, last nine: "+44 20 7946 0000" and "020 7946 0000" are one number (country code
 * versus trunk prefix). Fewer than seven digits is not a phone number worth comparing.
 */
function phoneKey(phone: string | undefined): string | undefined {
  const digits = (phone ?? '').replace(/\D/g, '');
  return digits.length >= 7 ? digits.slice(-9) : undefined;
}
