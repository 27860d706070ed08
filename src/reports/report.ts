import { listEvents, type RequestEvent } from '../db/events';
import type { Db } from '../db/pool';
import { listReferees, type Referee } from '../db/referees';
import { findRequest, type ReferenceRequest, type RequestStatus } from '../db/requests';
import { findPurge, type Purge } from '../db/retention';
import type { Question } from '../templates/schema';
import { integrityFlags, type Flag } from './integrity';

/**
 * Everything the report page shows, built from the database in one place, so the page only
 * lays it out. Opt-in to other jobs is left out on purpose: it is for recruiting, not assessment.
 */
export type RatingSummary = { type: 'rating'; id: string; text: string; labels: string[]; distribution: number[]; count: number; average: number | null };
export type ChoiceSummary = { type: 'choice'; id: string; text: string; options: { option: string; count: number }[]; count: number };
export type TextSummary = { type: 'text'; id: string; text: string; comments: { text: string; refereeName: string; relationship: string }[] };
export type QuestionSummary = RatingSummary | ChoiceSummary | TextSummary;
export type ReportReferee = Pick<Referee, 'id' | 'relationship' | 'name' | 'title' | 'company' | 'workedTogether' | 'confirmed' | 'status' | 'concludedAt' | 'declineReason'>;
export type ReportFlag = Flag & { refereeName: string | null };

export type Report = {
  request: Pick<ReferenceRequest, 'id' | 'candidateName' | 'postingTitle' | 'status' | 'createdAt' | 'concludedAt' | 'deadlineAt'>;
  /** every referee named, replaced ones included: the swap is part of the story */
  referees: ReportReferee[];
  questions: QuestionSummary[];
  answered: number;
  /** referees asked (replaced ones not counted) */
  requested: number;
  required: number;
  averageRating: number | null;
  ratingCount: number;
  flags: ReportFlag[];
  timeline: { at: Date; text: string }[];
  /** set once the retention sweep deleted the personal data: the report then keeps only counts and dates */
  purged?: Purge;
};

export async function loadReport(db: Db, requestId: string): Promise<Report | undefined> {
  const request = await findRequest(db, requestId);
  if (!request) return undefined;
  const purged = await findPurge(db, requestId);
  if (purged) return purgedReport(request, await listReferees(db, requestId), purged);
  const [referees, events] = await Promise.all([listReferees(db, requestId), listEvents(db, requestId)]);
  const current = referees.filter((r) => r.status !== 'replaced');
  const answeredReferees = current.filter((r) => r.status === 'answered');
  const ratings = answeredReferees.flatMap((r) => (r.answers ?? []).map((a) => a.rating));
  const valid = ratings.filter(isRating);
  const names = new Map(referees.map((r) => [r.id, r.name]));
  return {
    request: pick(request),
    referees: referees.map(({ id, relationship, name, title, company, workedTogether, confirmed, status, concludedAt, declineReason }) => ({ id, relationship, name, title, company, workedTogether, confirmed, status, concludedAt, declineReason })),
    questions: (request.templateSnapshot?.survey ?? []).map((q) => summarise(q, answeredReferees)),
    answered: answeredReferees.length,
    requested: current.length,
    required: request.requiredReferences,
    averageRating: average(valid),
    ratingCount: valid.length,
    flags: integrityFlags(request, referees).map((f) => ({ ...f, refereeName: f.refereeId ? names.get(f.refereeId) ?? null : null })),
    timeline: events.map((e) => ({ at: e.at, text: describe(e, request.candidateName, names) })),
  };
}

/** Counts and dates only: flags, answers, referees and the timeline were about people, and their data is gone. */
function purgedReport(request: ReferenceRequest, referees: Referee[], purged: Purge): Report {
  const current = referees.filter((r) => r.status !== 'replaced');
  return {
    request: pick(request), referees: [], questions: [], answered: current.filter((r) => r.status === 'answered').length, requested: current.length,
    required: request.requiredReferences, averageRating: null, ratingCount: 0, flags: [], timeline: [], purged,
  };
}

/** "Reference check complete: 3 of 3 references, average 4.4/5, 1 flag" — the line recruiters see in Lever. */
export function reportSummaryLine(report: Report): string {
  const asked = Math.max(report.requested, report.required); // nobody nominated yet still reads "0 of 2"
  const ratings = report.averageRating === null ? '' : `, average ${report.averageRating.toFixed(1)}/5`;
  const flags = report.flags.length === 0 ? '' : `, ${report.flags.length} flag${report.flags.length === 1 ? '' : 's'}`;
  return `${HEADS[report.request.status]}: ${report.answered} of ${asked} reference${asked === 1 ? '' : 's'}${ratings}${flags}`;
}

const HEADS: Record<RequestStatus, string> = {
  open: 'Reference check in progress',
  completed: 'Reference check complete',
  expired: 'Reference check closed at its deadline',
  cancelled: 'Reference check cancelled',
  replaced: 'Reference check replaced by a newer one',
};

function summarise(q: Question, answered: Referee[]): QuestionSummary {
  const answers = answered.flatMap((r) => (r.answers ?? []).filter((a) => a.questionId === q.id).map((a) => ({ a, r })));
  switch (q.type) {
    case 'rating': {
      const ratings = answers.map(({ a }) => a.rating).filter(isRating);
      const distribution = [1, 2, 3, 4, 5].map((n) => ratings.filter((x) => x === n).length);
      return { type: 'rating', id: q.id, text: q.text, labels: q.labels, distribution, count: ratings.length, average: average(ratings) };
    }
    case 'choice': {
      const chosen = answers.map(({ a }) => a.choice).filter((c): c is string => typeof c === 'string' && c !== '');
      // An answer outside the snapshot's options should not happen; if it does, it is shown, not lost.
      const options = [...q.options, ...new Set(chosen.filter((c) => !q.options.includes(c)))];
      return { type: 'choice', id: q.id, text: q.text, options: options.map((option) => ({ option, count: chosen.filter((c) => c === option).length })), count: chosen.length };
    }
    case 'text': {
      const comments = answers.filter(({ a }) => a.text?.trim()).map(({ a, r }) => ({ text: a.text!.trim(), refereeName: r.name, relationship: r.confirmed?.relationship ?? r.relationship }));
      return { type: 'text', id: q.id, text: q.text, comments };
    }
  }
}

const isRating = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x) && x >= 1 && x <= 5;
/** One decimal, as the report and the summary line print it. */
const average = (xs: number[]) => (xs.length ? Math.round((xs.reduce((a, b) => a + b, 0) / xs.length) * 10) / 10 : null);
const pick = ({ id, candidateName, postingTitle, status, createdAt, concludedAt, deadlineAt }: ReferenceRequest) => ({ id, candidateName, postingTitle, status, createdAt, concludedAt, deadlineAt });

function describe(e: RequestEvent, candidate: string, names: Map<string, string>): string {
  const who = (e.refereeId && names.get(e.refereeId)) || 'A referee';
  switch (e.kind) {
    case 'opened': return 'Reference check opened';
    case 'candidate-invited': return `${candidate} was asked to name referees`;
    case 'candidate-reminded': return `${candidate} was reminded to name referees`;
    case 'consented': return `${candidate} consented to the reference check`;
    case 'nominated': return e.refereeId ? `${candidate} nominated ${who}` : `${candidate} nominated referees`;
    case 'referee-invited': return `${who} was invited`;
    case 'referee-reminded': return `${who} was reminded`;
    case 'referee-opened': return `${who} opened the survey`;
    case 'referee-answered': return `${who} answered`;
    case 'referee-declined': return `${who} declined`;
    case 'referee-expired': return `${who} did not answer before the deadline`;
    case 'referee-replaced': return `${who} was replaced`;
    case 'candidate-expired': return `${candidate} did not name referees before the deadline`;
    case 'concluded': return 'Reference check concluded';
    case 'candidate-invitation-resent': return `${candidate}'s invitation was sent again`;
    case 'referee-invitation-resent': return `${who}'s invitation was sent again`;
  }
}
