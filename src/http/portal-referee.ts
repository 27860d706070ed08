import type { Request, Response, Router } from 'express';
import { findCompanyName } from '../db/connections';
import { recordEvent } from '../db/events';
import { findReferee, markOpened, type Referee } from '../db/referees';
import { findRequest, type ReferenceRequest } from '../db/requests';
import { DECLINE_REASON_MAX, OPT_IN_FIELD, questionField } from '../portal/answer-form';
import { formValues, type FieldErrors, type FormValues } from '../portal/form';
import { refereeRelationshipOptions, roleTitle } from '../portal/labels';
import { answer, decline } from '../portal/referee';
import { renderHtml } from '../views';
import type { AppDeps } from './app';
import { message, submittedFrom, verifyLink } from './page-helpers';
import type { PortalCsrf } from './portal-csrf';

type Target = { referee: Referee; request: ReferenceRequest & { templateSnapshot: NonNullable<ReferenceRequest['templateSnapshot']> } };
type FormState = { values?: FormValues; fields?: FieldErrors; declineValues?: FormValues; declineFields?: FieldErrors };

/** A referee's page: confirm who they are, answer the survey, or decline. Short and script-free. */
export function refereeRoutes(router: Router, deps: AppDeps, csrf: PortalCsrf) {
  const pageUrl = (req: Request) => `/referee/${req.params.token}`;

  /** The referee behind the link while they still have something to do; else a page saying so. */
  async function load(req: Request, res: Response): Promise<Target | undefined> {
    const claims = verifyLink(deps, String(req.params.token), 'referee', res);
    if (!claims) return undefined;
    const referee = await findReferee(deps.db, claims.sub);
    const request = referee && (await findRequest(deps.db, referee.requestId));
    if (!referee || !request?.templateSnapshot) {
      message(res, 404, 'This link is not valid', 'The reference it asks for no longer exists.');
      return undefined;
    }
    if (settled(res, referee, request, req.method !== 'GET')) return undefined;
    return { referee, request: { ...request, templateSnapshot: request.templateSnapshot } };
  }

  async function show(req: Request, res: Response, { referee, request }: Target, status = 200, form: FormState = {}) {
    const company = await findCompanyName(deps.db, request.connectionId);
    res.status(status).set('cache-control', 'no-store').send(renderHtml('pages/referee.eta', {
      companyName: company ?? 'the hiring company',
      candidateName: request.candidateName,
      postingTitle: roleTitle(request),
      survey: request.templateSnapshot.survey.map((q) => ({ ...q, field: questionField(q) })),
      action: pageUrl(req),
      csrf: csrf.issue(req, res),
      relationships: refereeRelationshipOptions,
      optInField: OPT_IN_FIELD,
      reasonMax: DECLINE_REASON_MAX,
      // Prefilled from the nomination: the referee corrects what the candidate got wrong.
      values: form.values ?? { name: referee.name, title: referee.title ?? '', company: referee.company ?? '', relationship: referee.relationship },
      fields: form.fields ?? {},
      declineValues: form.declineValues ?? {},
      declineFields: form.declineFields ?? {},
    }));
  }

  router.get('/referee/:token', async (req, res) => {
    const target = await load(req, res);
    if (!target) return;
    if (!target.referee.openedAt) {
      await markOpened(deps.db, target.referee.id);
      // Keyed, so two first opens at once (a mail scanner and the person) leave one event.
      await recordEvent(deps.db, target.request.id, 'referee-opened', target.referee.id, `portal/${target.referee.id}/opened`);
    }
    await show(req, res, target);
  });

  router.post('/referee/:token/answer', csrf.verified, async (req, res) => {
    const target = await load(req, res);
    if (!target) return;
    const values = formValues(req.body);
    const result = await answer(deps, target.referee, target.request, values, submittedFrom(req));
    if (result.kind === 'invalid') return show(req, res, target, 422, { values, fields: result.fields });
    await afterResponse(req, res, result.kind);
  });

  router.post('/referee/:token/decline', csrf.verified, async (req, res) => {
    const target = await load(req, res);
    if (!target) return;
    const values = formValues(req.body);
    const result = await decline(deps, target.referee, target.request, values, submittedFrom(req));
    if (result.kind === 'invalid') return show(req, res, target, 422, { declineValues: values, declineFields: result.fields });
    await afterResponse(req, res, result.kind);
  });

  /** Stored: post/redirect/get to the thank-you page. Lost a race: say what happened instead. */
  async function afterResponse(req: Request, res: Response, kind: 'answered' | 'declined' | 'already-responded' | 'closed') {
    if (kind === 'answered' || kind === 'declined') return res.redirect(303, pageUrl(req));
    const target = await load(req, res);
    if (target) message(res, 409, 'Nothing was changed', 'This reference can no longer be changed. Thank you.');
  }
}

/** The page for a referee with nothing left to do (true when it was sent). After a POST it is a 409 or 410. */
function settled(res: Response, referee: Referee, request: ReferenceRequest, afterPost: boolean): boolean {
  const page = settledPage(referee, request.status === 'open', request.candidateName, afterPost);
  if (!page) return false;
  const [status, title, text] = page;
  message(res, status, title, text, status === 200 ? 'ok' : 'warn');
  return true;
}

function settledPage(referee: Referee, requestOpen: boolean, who: string, afterPost: boolean): [number, string, string] | undefined {
  switch (referee.status) {
    case 'answered':
      return afterPost ? [409, 'Already answered', 'You have already answered, thank you. Nothing was changed.'] : [200, 'Thank you', `Your reference for ${who} has been recorded. There is nothing more to do.`];
    case 'declined':
      return afterPost ? [409, 'Already declined', 'You have already told us you cannot give a reference. Nothing was changed.'] : [200, 'Thank you for letting us know', `You will not be asked again about ${who}.`];
    case 'expired':
      return [410, 'This request has expired', 'The time for this reference has passed. There is nothing more to do, thank you.'];
    case 'replaced':
      return [afterPost ? 409 : 200, 'No reference needed', `${who}'s reference check no longer needs your answer. Thank you for your time.`];
  }
  if (!requestOpen) return [afterPost ? 409 : 200, 'This reference check is closed', 'There is nothing more to do. Thank you.'];
  return undefined;
}
