import type { Request, Response, Router } from 'express';
import { findCompanyName } from '../db/connections';
import { listReferees, type Referee } from '../db/referees';
import { findRequest, type ReferenceRequest } from '../db/requests';
import { isOpen, nominate, replaceableFrom, replaceReferee, type OpenRequest } from '../portal/candidate';
import { formValues, type FieldErrors, type FormValues } from '../portal/form';
import { CANDIDATE_STATUS_LABELS, RELATIONSHIP_LABELS, candidateRelationshipOptions, roleTitle } from '../portal/labels';
import { REPLACEMENT_PREFIX, slotPrefix } from '../portal/nomination-form';
import { describeRequirements, refereeSlots } from '../portal/quota';
import { renderHtml } from '../views';
import type { AppDeps } from './app';
import { fmt, message, submittedFrom, verifyLink } from './page-helpers';
import type { PortalCsrf } from './portal-csrf';

type FormState = { values?: FormValues; fields?: FieldErrors; problems?: string[]; replacing?: string };
const RETRY = 'We could not send this just now: please try again in a minute. What you typed is kept below.';

/** The candidate's page: who asks and for what, the nomination form, then each referee's progress. */
export function candidateRoutes(router: Router, deps: AppDeps, csrf: PortalCsrf) {
  const pageUrl = (req: Request) => `/candidate/${req.params.token}`;

  /** The open request behind the link, or undefined once a page saying why not has been sent. */
  async function load(req: Request, res: Response): Promise<OpenRequest | undefined> {
    const claims = await verifyLink(deps, String(req.params.token), 'candidate', res);
    if (!claims) return undefined;
    const request = await findRequest(deps.db, claims.sub);
    if (!request) message(res, 404, 'Request not found', 'This reference request no longer exists.');
    else if (!isOpen(request)) closed(res, request, req.method === 'GET' ? 200 : 409);
    else return request;
    return undefined;
  }

  async function show(req: Request, res: Response, request: OpenRequest, status = 200, form: FormState = {}) {
    const t = request.templateSnapshot;
    const [company, referees] = await Promise.all([
      findCompanyName(deps.db, request.connectionId),
      request.nominatedAt ? listReferees(deps.db, request.id) : Promise.resolve([]),
    ]);
    res.status(status).set('cache-control', 'no-store').send(renderHtml('pages/candidate.eta', {
      companyName: company ?? 'The hiring team',
      candidateName: request.candidateName,
      postingTitle: roleTitle(request),
      needs: describeRequirements(t),
      nominateBy: fmt(new Date(request.createdAt.getTime() + t.deadlines.candidateSeconds * 1000)),
      answersBy: fmt(request.deadlineAt),
      action: pageUrl(req),
      csrf: csrf.issue(req, res),
      nominated: request.nominatedAt !== null,
      slots: refereeSlots(t).map((slot, i) => ({ ...slot, prefix: slotPrefix(i) })),
      referees: referees.map((r) => row(r, t)),
      relationships: candidateRelationshipOptions,
      replacementPrefix: REPLACEMENT_PREFIX,
      values: form.values ?? {}, fields: form.fields ?? {}, problems: form.problems ?? [], replacing: form.replacing,
    }));
  }

  router.get('/candidate/:token', async (req, res) => {
    const request = await load(req, res);
    if (request) await show(req, res, request);
  });

  router.post('/candidate/:token/nominate', csrf.verified, async (req, res) => {
    const request = await load(req, res);
    if (!request) return;
    const values = formValues(req.body);
    const result = await nominate(deps, request, values, submittedFrom(req));
    switch (result.kind) {
      case 'nominated': return res.redirect(303, pageUrl(req));
      case 'invalid': return show(req, res, request, 422, { values, fields: result.fields, problems: result.problems });
      case 'unavailable': return show(req, res, request, 503, { values, problems: [RETRY] });
      case 'already-nominated': return message(res, 409, 'Referees already named', 'You have already named your referees. Open your link again to see how they are doing.');
      case 'closed': return closed(res, request, 409);
      case 'not-running': return message(res, 409, 'This reference check is no longer running', 'There is nothing more to do. Nothing was stored.');
    }
  });

  router.post('/candidate/:token/referees/:refereeId/replace', csrf.verified, async (req, res) => {
    const request = await load(req, res);
    if (!request) return;
    const values = formValues(req.body);
    const refereeId = String(req.params.refereeId);
    // replaceReferee looks the referee up among this request's own: another request's id is unknown here.
    const result = await replaceReferee(deps, request, refereeId, values, submittedFrom(req));
    switch (result.kind) {
      case 'replaced': return res.redirect(303, pageUrl(req));
      case 'invalid': return show(req, res, request, 422, { values, fields: result.fields, problems: result.problems, replacing: refereeId });
      case 'unavailable': return show(req, res, request, 503, { values, problems: [RETRY], replacing: refereeId });
      case 'unknown-referee': return message(res, 404, 'Referee not found', 'This referee is not part of your reference check.');
      case 'too-early': return message(res, 409, 'Not yet', `Your referee still has time to answer. You can name someone else from ${fmt(result.from)}.`);
      case 'not-replaceable': return message(res, 409, 'This referee can no longer be replaced', 'They have answered, declined or run out of time, or were replaced already. Nothing was changed.');
      case 'closed': return closed(res, request, 409);
      case 'not-running': return message(res, 409, 'This reference check is no longer running', 'There is nothing more to do. Nothing was stored.');
    }
  });
}

/** A referee's line on the status page; the replace form shows once they have been silent long enough. */
function row(r: Referee, t: OpenRequest['templateSnapshot'], now = new Date()) {
  const from = replaceableFrom(r, t);
  return {
    id: r.id, name: r.name, relationship: r.relationship, relationshipLabel: RELATIONSHIP_LABELS[r.relationship][0],
    status: CANDIDATE_STATUS_LABELS[r.status], replaceable: from !== null && from <= now, replaceFrom: from && from > now ? fmt(from) : null,
  };
}

function closed(res: Response, request: ReferenceRequest, status: number) {
  if (request.status === 'open') return message(res, status, 'Your request is open', 'The hiring team will tell you if anything is needed from you.', 'ok');
  if (request.status === 'replaced') return message(res, status, 'This request was replaced', 'The hiring team sent you a newer one by email: please use the link in that message.', 'ok');
  const state = request.status === 'completed' ? 'complete' : 'closed';
  message(res, status, `This reference check is ${state}`, 'There is nothing more to do. Thank you.', 'ok');
}
