import { integrityFlags, minimumAnswerSeconds, type IntegrityReferee, type IntegrityRequest } from '../src/reports/integrity';
import { defaultTemplateSettings } from '../src/templates/surveys';

/** Pure checks: each test breaks one thing in an otherwise clean request and expects one flag. */
const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/126.0';
const SAFARI = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) Safari/605.1.15';
const request: IntegrityRequest = {
  candidateEmail: 'Ada@Candidate.test', candidateIp: '203.0.113.7', candidateUserAgent: CHROME, templateSnapshot: defaultTemplateSettings(),
};
const opened = new Date('2030-01-01T10:00:00Z');
const after = (seconds: number) => new Date(opened.getTime() + seconds * 1000);

function referee(n: number, over: Partial<IntegrityReferee> = {}): IntegrityReferee {
  return {
    id: `rf_${n}`, name: `Referee ${n}`, email: `referee${n}@company${n}.test`, phone: `+44 20 7946 00${n}0`, relationship: 'peer',
    status: 'answered', openedAt: opened, concludedAt: after(300), submitIp: `198.51.100.${n}`, submitUserAgent: n % 2 ? SAFARI : CHROME,
    confirmed: null, answers: [], ...over,
  };
}
const kinds = (refs: IntegrityReferee[], req = request) => integrityFlags(req, refs).map((f) => [f.refereeId, f.kind]);

test('when nothing is suspicious, then there are no flags', () => {
  expect(integrityFlags(request, [referee(1), referee(2), referee(3, { relationship: 'manager' })])).toEqual([]);
});

test("when a referee's email is the candidate's own (other case and spacing), then it is flagged", () => {
  const flags = integrityFlags(request, [referee(1, { email: ' ada@candidate.TEST ' })]);
  expect(flags).toEqual([{ refereeId: 'rf_1', kind: 'same-email-as-candidate', reason: "Referee's email is the candidate's own" }]);
});

test('when two referees give one phone number in different formats, then the second is flagged', () => {
  const flags = integrityFlags(request, [referee(1, { phone: '+44 (20) 7946-0999' }), referee(2, { phone: '020 7946 0999' })]);
  expect(flags).toEqual([{ refereeId: 'rf_2', kind: 'same-phone', reason: 'Same phone number as another referee (Referee 1)' }]);
});

test('when a claimed manager (nominated or self-confirmed) uses free mail, then it is flagged; a peer on free mail is not', () => {
  expect(integrityFlags(request, [referee(1, { relationship: 'manager', email: 'boss@Gmail.com' })])).toEqual([
    { refereeId: 'rf_1', kind: 'free-mail-manager', reason: 'Claimed manager uses a free-mail address (gmail.com)' },
  ]);
  expect(kinds([referee(1, { confirmed: { name: 'R', relationship: 'manager' }, email: 'r@yahoo.com' })])).toEqual([['rf_1', 'free-mail-manager']]);
  expect(kinds([referee(1, { email: 'peer@gmail.com' })])).toEqual([]);
});

test("when a referee answers from the candidate's IP, then it is flagged; with the candidate's browser too, one stronger flag", () => {
  expect(integrityFlags(request, [referee(1, { submitIp: '203.0.113.7' })])).toEqual([
    { refereeId: 'rf_1', kind: 'same-ip-as-candidate', reason: "Answered from the same IP address as the candidate's nomination" },
  ]);
  expect(kinds([referee(1, { submitIp: '203.0.113.7', submitUserAgent: CHROME })])).toEqual([['rf_1', 'same-browser-as-candidate']]);
  // The same common browser from elsewhere is not a sign of anything.
  expect(kinds([referee(2, { submitUserAgent: CHROME })])).toEqual([]);
});

test('when two referees answer from one IP and one browser, then the second is flagged; one IP with two browsers is not', () => {
  const flags = integrityFlags(request, [referee(1, { submitIp: '192.0.2.9' }), referee(3, { submitIp: '192.0.2.9' })]);
  expect(flags).toEqual([{ refereeId: 'rf_3', kind: 'same-ip-as-referee', reason: 'Same browser (user agent) and IP as another referee (Referee 1)' }]);
  expect(kinds([referee(1, { submitIp: '192.0.2.9' }), referee(2, { submitIp: '192.0.2.9' })])).toEqual([]);
});

test('when a survey is answered faster than 8 s a question (30 s at least), then it is flagged', () => {
  // The default survey has six questions: 6 × 8 = 48 s.
  expect(minimumAnswerSeconds(6)).toBe(48);
  expect(minimumAnswerSeconds(2)).toBe(30);
  expect(integrityFlags(request, [referee(1, { concludedAt: after(25) })])).toEqual([
    { refereeId: 'rf_1', kind: 'too-fast', reason: 'Survey answered in 25 s, under the 48 s a careful answer takes' },
  ]);
  expect(kinds([referee(1, { concludedAt: after(48) })])).toEqual([]);
});

test('when a referee has not answered, then only what the candidate typed is checked; replaced referees are not checked', () => {
  const waiting = referee(1, { status: 'invited', concludedAt: after(1), submitIp: '203.0.113.7', email: 'ada@candidate.test' });
  expect(kinds([waiting])).toEqual([['rf_1', 'same-email-as-candidate']]);
  expect(kinds([referee(2, { status: 'replaced', email: 'ada@candidate.test' })])).toEqual([]);
});
