import express, { type Response } from 'express';
import { findHireQuestion } from '../db/hire-questions';
import { findRequest } from '../db/requests';
import { answerHireQuestion } from '../hire-answers';
import type { LinkPurpose } from '../links';
import { loadReport } from '../reports/report';
import { renderReportHtml } from '../reports/report-html';
import { renderHtml } from '../views';
import type { AppDeps } from './app';
import { fmt, message, verifyLink } from './page-helpers';

/**
 * Pages behind signed links: the report (from Lever) and the owner's hire answer (from the
 * confirmation mail); the candidate's and referees' pages live in portal-pages.ts. A bad link
 * gets a page that says what is wrong, with the matching status, and changes nothing.
 */
export function pagesRouter(deps: AppDeps) {
  const router = express.Router();
  const verify = (token: string, purpose: LinkPurpose, res: Response) => verifyLink(deps, token, purpose, res);

  router.get('/reports/:token', async (req, res) => {
    const claims = await verify(req.params.token, 'report', res);
    if (!claims) return;
    const report = await loadReport(deps.db, claims.sub);
    if (!report) return message(res, 404, 'Report not found', 'This reference request no longer exists.');
    res.set('cache-control', 'no-store').send(renderReportHtml(report, { expiresAt: new Date(claims.exp) }));
  });

  // GET shows a confirmation button; only the POST records. Mail scanners open links on their own,
  // and a prefetch must not answer for the owner.
  router.get('/hire/:token', async (req, res) => {
    const claims = await verify(req.params.token, 'hire-answer', res);
    if (!claims) return;
    const question = await findHireQuestion(deps.db, claims.sub);
    if (!question) return message(res, 404, 'This link is not valid', 'The question it answers does not exist.');
    if (question.answeredAt) return message(res, 409, 'Already answered', `This question was answered "${question.answer}" on ${fmt(question.answeredAt)}. Nothing was changed.`);
    const request = await findRequest(deps.db, question.requestId);
    res.set('cache-control', 'no-store').send(renderHtml('pages/hire-confirm.eta', { candidateName: request?.candidateName ?? 'the candidate', postingTitle: request?.postingTitle, answer: claims.v }));
  });

  router.post('/hire/:token', async (req, res) => {
    const claims = await verify(req.params.token, 'hire-answer', res);
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

  // A link with more after it (a copy that grabbed a trailing path): the page itself, and no 404
  // whose log line would carry the link.
  router.get(['/reports/:token/*rest', '/hire/:token/*rest'], (req, res) => {
    res.redirect(303, `/${req.path.split('/')[1]}/${encodeURIComponent(String(req.params.token))}`);
  });

  return router;
}
