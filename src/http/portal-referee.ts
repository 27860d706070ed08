import type { Request, Response, Router } from 'express';
import { findCompanyName } from '../db/connections';
import { recordEvent } from '../db/events';
import { withdrawProspect } from '../db/prospects';
import { findReferee, markOpened, type Referee } from '../db/referees';
import { findRequest, type ReferenceRequest } from '../db/requests';
import { DECLINE_REASON_MAX, OPT_IN_FIELD, questionField } from '../portal/answer-form';
import { formValues, type FieldErrors, type FormValues } from '../portal/form';
import { refereeRelationshipOptions, roleTitle } from '../portal/labels';
import { PROSPECT_WITHDRAW_TTL_MS, prospectWithdrawLink } from '../portal/links';
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
    const claims = await verifyLink(deps, String(req.params.token), 'referee', res);
    if (!claims) return undefined;
    const referee = await findReferee(deps.db, claims.sub);
    const request = referee && (await findRequest(deps.db, referee.requestId));
    if (!referee || !request?.templateSnapshot) {
      message(res, 404, 'This link is not valid', 'The reference it asks for no longer exists.');
      return undefined;
    }
    if (req.method === 'GET' && referee.status === 'answered' && referee.optInJobs) {
      await thanks(res, referee, request);
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
    if (result.kind === 'answered') await optedIn(target);
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

  /**
   * An answer with "hear about jobs" ticked makes a prospect: its own small workflow mails the
   * confirmation (with the withdraw link) and exports it when the connection does so automatically.
   * The answer is stored already; Temporal being unreachable costs the mail, and the console's
   * "Export all" still finds the prospect.
   */
  async function optedIn({ referee, request }: Target) {
    const stored = await findReferee(deps.db, referee.id);
    if (!stored?.optInJobs) return;
    try {
      const outcome = await deps.checks.prospectOptedIn({ connectionId: request.connectionId, refereeId: referee.id });
      deps.logger.info({ refereeId: referee.id, outcome }, 'prospect opted in');
    } catch (err) {
      deps.logger.warn({ refereeId: referee.id, err: { message: (err as Error)?.message } }, 'prospect stored; temporal unreachable, no confirmation mail');
    }
  }

  /** The thank-you page of a referee who opted in: with the link to withdraw that. */
  async function thanks(res: Response, referee: Referee, request: ReferenceRequest) {
    const companyName = (await findCompanyName(deps.db, request.connectionId)) ?? 'the hiring company';
    res.status(200).set('cache-control', 'no-store').send(renderHtml('pages/referee-thanks.eta', {
      title: 'Thank you', message: `Your reference for ${request.candidateName} has been recorded. There is nothing more to do.`, companyName,
      withdrawUrl: prospectWithdrawLink(deps.links, '', referee.id, PROSPECT_WITHDRAW_TTL_MS),
    }));
  }

  /**
   * Withdrawing the opt-in: the link (from the thank-you page and the confirmation mail) shows a
   * page with a button; only the POST withdraws, as mail scanners open links in mails.
   */
  async function prospectOf(req: Request, res: Response): Promise<Referee | undefined> {
    const claims = await verifyLink(deps, String(req.params.token), 'prospect-withdraw', res);
    if (!claims) return undefined;
    const referee = await findReferee(deps.db, claims.sub);
    if (!referee) message(res, 404, 'This link is not valid', 'There is nothing to withdraw.');
    else if (!referee.optInJobs) message(res, 200, 'Already withdrawn', 'You will not hear about jobs through this reference. There is nothing more to do.', 'ok');
    else return referee;
    return undefined;
  }

  router.get('/referee/withdraw/:token', async (req, res) => {
    const referee = await prospectOf(req, res);
    if (!referee) return;
    const request = await findRequest(deps.db, referee.requestId);
    res.status(200).set('cache-control', 'no-store').send(renderHtml('pages/prospect-withdraw.eta', {
      companyName: (request && (await findCompanyName(deps.db, request.connectionId))) ?? 'the hiring company',
      action: `/referee/withdraw/${req.params.token}`, csrf: csrf.issue(req, res),
    }));
  });

  router.post('/referee/withdraw/:token', csrf.verified, async (req, res) => {
    const referee = await prospectOf(req, res);
    if (!referee) return;
    await withdrawProspect(deps.db, referee.id);
    deps.logger.info({ refereeId: referee.id }, 'prospect withdrew');
    message(res, 200, 'Withdrawn', 'You will not hear about jobs through this reference, and refcheck has forgotten that you asked.', 'ok');
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
