import { randomBytes } from 'node:crypto';
import express, { type Request } from 'express';
import { z } from 'zod';
import { findCompanyName } from '../db/connections';
import { deleteTemplate, findTemplate, insertTemplate, listTemplates, updateTemplate, type Template } from '../db/templates';
import { badRequest, conflict, notFound } from '../errors';
import { atsTagHint, templateConflict } from '../templates/conflicts';
import { TemplateSettings } from '../templates/schema';
import { READY_MADE_SURVEYS } from '../templates/surveys';
import type { AppDeps } from './app';
import { requireBearer } from './api-auth';

const SURVEY_KEYS = ['general', 'engineering', 'leadership'] as const;
const TemplateBody = z.object({
  name: z.string().trim().min(1).max(200),
  // An empty tag means none: a blank form field should not become a tag no posting can carry.
  atsTag: z.string().trim().max(200).nullable().optional().transform((t) => t || null),
  isDefault: z.boolean().default(false),
  settings: z.record(z.string(), z.unknown()).default({}),
  startFrom: z.enum(SURVEY_KEYS).optional(),
});

type Params = { connectionId: string; id?: string };

/**
 * The admin API for templates: /api/connections/:connectionId/templates (list, read, create,
 * replace, delete) and /api/surveys (the ready-made surveys to start from). Every template in a
 * response carries `atsTagHint`, the sentence telling the admin how a Lever posting selects it.
 */
export function templatesApiRouter(deps: AppDeps) {
  const router = express.Router();
  const auth = requireBearer(deps.config.REFCHECK_ADMIN_TOKEN);
  const json = express.json({ limit: '256kb' });
  const base = '/api/connections/:connectionId/templates';

  const connectionOf = async (req: Request<Params>) => {
    if (!(await findCompanyName(deps.db, req.params.connectionId))) throw notFound('no such connection');
    return req.params.connectionId;
  };

  router.get('/api/surveys', auth, (_req, res) => {
    res.json({ surveys: Object.entries(READY_MADE_SURVEYS).map(([key, s]) => ({ key, ...s })) });
  });

  router.get(base, auth, async (req: Request<Params>, res) => {
    const templates = await listTemplates(deps.db, await connectionOf(req));
    res.json({ templates: templates.map(present) });
  });

  router.get(`${base}/:id`, auth, async (req: Request<Params>, res) => {
    const template = await findTemplate(deps.db, await connectionOf(req), req.params.id!);
    if (!template) throw notFound('no such template');
    res.json(present(template));
  });

  router.post(base, auth, json, async (req: Request<Params>, res) => {
    const connectionId = await connectionOf(req);
    const body = parseBody(req.body);
    const id = `t_${randomBytes(8).toString('hex')}`;
    const template = await explainConflicts(connectionId, body, () => insertTemplate(deps.db, connectionId, { id, ...body }));
    res.status(201).location(`/api/connections/${connectionId}/templates/${id}`).json(present(template));
  });

  router.put(`${base}/:id`, auth, json, async (req: Request<Params>, res) => {
    const connectionId = await connectionOf(req);
    const body = parseBody(req.body);
    const template = await explainConflicts(connectionId, body, () => updateTemplate(deps.db, connectionId, req.params.id!, body));
    if (!template) throw notFound('no such template');
    res.json(present(template));
  });

  router.delete(`${base}/:id`, auth, async (req: Request<Params>, res) => {
    const connectionId = await connectionOf(req);
    if (!(await findTemplate(deps.db, connectionId, req.params.id!))) throw notFound('no such template');
    // Requests keep a foreign key to their template (and the report names it): a used one stays.
    if (!(await deleteTemplate(deps.db, connectionId, req.params.id!))) throw conflict('reference requests use this template, so it cannot be deleted; remove its ATS tag or edit it instead');
    res.status(204).end();
  });

  /** Runs the write; a broken unique index becomes a 409 naming the template in the way. */
  async function explainConflicts<T>(connectionId: string, body: { atsTag: string | null }, write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (err) {
      const found = await templateConflict(deps.db, connectionId, err, body.atsTag);
      if (found?.index === 'templates_one_default') {
        throw conflict(`this connection already has a default template${found.holder ? ` ("${found.holder.name}")` : ''} (constraint templates_one_default); make that one not the default first`);
      }
      if (found?.index === 'templates_tag') {
        throw conflict(`the ATS tag "${body.atsTag}" is already used by ${found.holder ? `the template "${found.holder.name}"` : 'another template'} (constraint templates_tag; tags match ignoring case and surrounding spaces)`);
      }
      throw err;
    }
  }

  return router;
}

/** Validates the body; `startFrom` supplies the survey when the settings bring none. */
function parseBody(raw: unknown) {
  const body = TemplateBody.safeParse(raw ?? {});
  if (!body.success) throw validationError(body.error.issues);
  const { startFrom, settings: given, ...rest } = body.data;
  const input = given.survey === undefined && startFrom ? { ...given, survey: READY_MADE_SURVEYS[startFrom].questions } : given;
  const settings = TemplateSettings.safeParse(input);
  if (!settings.success) throw validationError(settings.error.issues, ['settings']);
  return { ...rest, settings: settings.data };
}

function validationError(issues: z.ZodError['issues'], prefix: PropertyKey[] = []) {
  const lines = issues.slice(0, 10).map((i) => `${[...prefix, ...i.path].map(String).join('.') || '(body)'}: ${i.message}`);
  return badRequest(lines.join('; '));
}

const present = (t: Template) => ({ ...t, atsTagHint: atsTagHint(t) });
