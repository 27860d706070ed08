import express, { type Request } from 'express';
import { z } from 'zod';
import { findRequest } from '../db/requests';
import { badRequest, conflict, notFound } from '../errors';
import type { AppDeps } from './app';
import { requireBearer } from './api-auth';

const Completion = z.object({
  responses: z
    .array(
      z.object({
        refereeName: z.string().trim().min(1).max(200),
        refereeEmail: z.email().max(320).optional(),
        relationship: z.string().trim().min(1).max(100),
        answers: z
          .array(z.object({ question: z.string().trim().min(1).max(500), rating: z.number().int().min(1).max(5).optional(), comment: z.string().max(5000).optional() }))
          .max(50),
      }),
    )
    .max(20),
});

/**
 * POST /api/requests/:requestId/complete — hands a finished reference request to its workflow.
 * Only for runs started before the portal (they wait for this signal, asleep or not); requests
 * opened since are completed by the candidate's and referees' pages.
 */
export function requestsApiRouter(deps: AppDeps) {
  const router = express.Router();
  router.post('/api/requests/:requestId/complete', requireBearer(deps.config.REFCHECK_ADMIN_TOKEN), express.json({ limit: '256kb' }), async (req: Request<{ requestId: string }>, res) => {
    const parsed = Completion.safeParse(req.body);
    if (!parsed.success) throw badRequest(parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    const request = await findRequest(deps.db, req.params.requestId);
    if (!request) throw notFound('no such reference request');
    // Requests opened since the portal collect answers on the candidate's and referees' pages.
    if (request.templateSnapshot) throw conflict('this request collects references through the candidate and referee pages');
    if (request.status !== 'open') throw conflict(`this reference request is already ${request.status}`);
    const outcome = await deps.checks.completeRequest(request.workflowId, { requestId: request.id, responses: parsed.data.responses });
    if (outcome === 'no-run') throw conflict('the reference check for this request is no longer running');
    res.status(202).json({ outcome: 'accepted', requestId: request.id });
  });
  return router;
}
