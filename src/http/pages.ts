import express, { type Response } from 'express';
import { findConnection } from '../db/connections';
import { findHireQuestion } from '../db/hire-questions';
import { findRequest, listResponses } from '../db/requests';
import { answerHireQuestion } from '../hire-answers';
import type { LinkCheck, LinkPurpose } from '../links';
import { renderHtml } from '../views';
import { summaryLine } from '../../workflows/summary';
import type { AppDeps } from './app';

const fmt = (d: Date) => d.toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });

/**
 * Pages behind signed links: the report (from Lever), the candidate's page (from the invitation)
 * and the owner's hire answer (from the confirmation mail). A bad link gets a page that says
 * what is wrong, with the matching status, and changes nothing.
 */
export function pagesRouter(deps: AppDeps) {
  const router = express.Router();
  const verify = (token: string, purpose: LinkPurpose, res: Response) => {
    const check: LinkCheck = deps.links.verify(token, purpose);
    if (check.ok) return check.claims;
    if (check.reason === 'expired') message(res, 410, 'This link has expired', 'Ask the hiring team for a new one.');
    else message(res, 404, 'This link is not valid', 'It may have been copied incompletely. Open it again from the original mail or from Lever.');
    deps.logger.warn({ purpose, reason: check.reason }, 'rejected link');
    return undefined;
  };

  router.get('/reports/:token', async (req, res) => {
    const claims = verify(req.params.token, 'report', res);
    if (!claims) return;
    const request = await findRequest(deps.db, claims.sub);
    if (!request) return message(res, 404, 'Report not found', 'This reference request no longer exists.');
    const responses = await listResponses(deps.db, request.id);
    const summary = request.status === 'open' ? 'Waiting for references' : summaryLine(request.status === 'completed' ? 'completed' : 'expired', responses, request.requiredReferences);
    res.set('cache-control', 'no-store').send(renderHtml('pages/report.eta', { request, responses, summary, fmt }));
  });

  router.get('/candidate/:token', async (req, res) => {
    const claims = verify(req.params.token, 'candidate', res);
    if (!claims) return;
    const request = await findRequest(deps.db, claims.sub);
    if (!request) return message(res, 404, 'Request not found', 'This reference request no longer exists.');
    const connection = await findConnection(deps.db, deps.box, request.connectionId);
    res.set('cache-control', 'no-store').send(renderHtml('pages/candidate.eta', { request, companyName: connection?.name ?? 'The hiring team', fmt }));
  });

  // GET shows a confirmation button; only the POST records. Mail scanners open links on their own,
  // and a prefetch must not answer for the owner.
  router.get('/hire/:token', async (req, res) => {
    const claims = verify(req.params.token, 'hire-answer', res);
    if (!claims) return;
    const question = await findHireQuestion(deps.db, claims.sub);
    if (!question) return message(res, 404, 'This link is not valid', 'The question it answers does not exist.');
    if (question.answeredAt) return message(res, 409, 'Already answered', `This question was answered "${question.answer}" on ${fmt(question.answeredAt)}. Nothing was changed.`);
    const request = await findRequest(deps.db, question.requestId);
    res.set('cache-control', 'no-store').send(renderHtml('pages/hire-confirm.eta', { candidateName: request?.candidateName ?? 'the candidate', postingTitle: request?.postingTitle, answer: claims.v }));
  });

  router.post('/hire/:token', async (req, res) => {
    const claims = verify(req.params.token, 'hire-answer', res);
    if (!claims) return;
    const answer = claims.v === 'yes' ? 'yes' : 'no';
    const result = await answerHireQuestion(deps.db, deps.checks, claims.sub, answer, 'owner-link');
    switch (result.kind) {
      case 'recorded':
        return message(res, 200, 'Thank you', answer === 'yes' ? 'Recorded as hired. Lever will be updated.' : 'Recorded as not hired. Lever will be updated.', 'ok');
      case 'already-answered':
        return message(res, 409, 'Already answered', `This question was already answered "${result.answer}"${result.answeredAt ? ` on ${fmt(result.answeredAt)}` : ''}. Nothing was changed.`);
      case 'expired':
        return message(res, 410, 'This link has expired', 'The question is closed. Nothing was changed.');
      case 'closed':
        return message(res, 409, 'Already settled', 'This reference check has already finished. Nothing was changed.');
      case 'unknown':
        return message(res, 404, 'This link is not valid', 'The question it answers does not exist.');
    }
  });

  return router;
}

function message(res: Response, status: number, title: string, text: string, tone = 'warn') {
  res.status(status).set('cache-control', 'no-store').send(renderHtml('pages/message.eta', { title, message: text, tone }));
}
