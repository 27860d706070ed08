import { createServer, type Server } from 'node:http';
import express from 'express';
import { createConnection } from '../src/connections/create';
import { listTemplates } from '../src/db/templates';
import { errorHandler } from '../src/http/error-handler';
import { templatesApiRouter } from '../src/http/templates-api';
import { seedDefaultTemplate } from '../src/templates/seed';
import { READY_MADE_SURVEYS } from '../src/templates/surveys';
import { startStack, type Stack } from './helpers/stack';

/**
 * The templates admin API over HTTP. Until app.ts mounts the router, the test builds its own
 * small app around it with the real error handler; the stack's connection has a default template.
 */
let stack: Stack;
let server: Server;
let url: string;
beforeAll(async () => {
  stack = await startStack({ worker: false });
  const app = express();
  app.use(templatesApiRouter({ config: stack.config, db: stack.db, box: stack.box, links: stack.links, checks: stack.checks, logger: stack.logger, temporal: stack.client }));
  app.use(errorHandler(stack.logger));
  server = createServer(app);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  await stack.close();
});

// Response bodies are JSON the assertions read freely.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- test assertions navigate these bodies freely
type Body = Record<string, any>;
async function call(method: string, path: string, body?: unknown, token: string | null = stack.config.REFCHECK_ADMIN_TOKEN) {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (res.status === 204 ? undefined : await res.json()) as Body };
}
const templates = () => `/api/connections/${stack.connectionId}/templates`;
const referees = [{ relationship: 'manager', required: 1 }, { relationship: 'any', required: 1, optional: 1 }];

test('when a template starts from a ready-made survey, then it gets that survey, the defaults, and a hint naming its tag', async () => {
  const res = await call('POST', templates(), { name: 'Engineering references', atsTag: ' Engineering ', settings: { referees }, startFrom: 'engineering' });
  expect(res.status).toBe(201);
  expect(res.body).toMatchObject({ name: 'Engineering references', atsTag: 'Engineering', isDefault: false, requiredReferences: 2 });
  expect(res.body.settings.survey).toEqual(READY_MADE_SURVEYS.engineering.questions);
  expect(res.body.settings.conclusion).toEqual({ rule: 'all-required' });
  expect(res.body.atsTagHint).toBe('Add the tag "Engineering" to a posting in Lever to use this template (matched ignoring case and surrounding spaces).');
  expect((await call('GET', `${templates()}/${res.body.id}`)).body).toEqual(res.body);
});

test('when a choice question has one option, then 400 names the field path and no template is stored', async () => {
  const survey = [{ id: 'rehire', type: 'choice', text: 'Would you hire them again?', options: ['Yes'] }];
  const res = await call('POST', templates(), { name: 'Broken', atsTag: 'broken', settings: { survey, referees } });
  expect(res.status).toBe(400);
  expect(res.body).toMatchObject({ error: 'bad_request', message: expect.stringContaining('settings.survey.0.options:') });
  expect((await listTemplates(stack.db, stack.connectionId)).map((t) => t.name)).not.toContain('Broken');
});

test('when the bearer token is missing or wrong, then 401 and nothing is listed', async () => {
  expect((await call('GET', templates(), undefined, null)).status).toBe(401);
  expect((await call('GET', '/api/surveys', undefined, 'not-the-token')).status).toBe(401);
});

test('when the connection does not exist, then 404', async () => {
  expect((await call('GET', '/api/connections/conn_nope/templates')).status).toBe(404);
});

test('when listing, then the default comes first with its own hint; the ready-made surveys are listed too', async () => {
  const res = await call('GET', templates());
  expect(res.status).toBe(200);
  expect(res.body.templates[0]).toMatchObject({ isDefault: true, atsTagHint: 'Used for postings whose tags match no other template.' });
  const surveys = await call('GET', '/api/surveys');
  expect(surveys.body.surveys.map((s: Body) => s.key)).toEqual(['general', 'engineering', 'leadership']);
});

test('when a template is updated, then the new settings are stored and returned', async () => {
  const created = await call('POST', templates(), { name: 'Sales', atsTag: 'Sales', settings: { referees }, startFrom: 'general' });
  const res = await call('PUT', `${templates()}/${created.body.id}`, { name: 'Sales (EMEA)', atsTag: 'Sales EMEA', settings: { ...created.body.settings, referees: [{ relationship: 'client', required: 3 }] } });
  expect(res.status).toBe(200);
  expect(res.body).toMatchObject({ name: 'Sales (EMEA)', atsTag: 'Sales EMEA', requiredReferences: 3, atsTagHint: expect.stringContaining('"Sales EMEA"') });
  expect((await call('PUT', `${templates()}/t_missing`, { name: 'X', settings: created.body.settings })).status).toBe(404);
});

test('when a second template is made the default, then 409 says which template already is', async () => {
  const res = await call('POST', templates(), { name: 'Another default', isDefault: true, settings: { referees }, startFrom: 'general' });
  expect(res.status).toBe(409);
  expect(res.body.message).toMatch(/already has a default template \("Standard"\).*templates_one_default/);
});

test('when a tag differs from an existing one only in case and spaces, then 409 names the template using it', async () => {
  const res = await call('POST', templates(), { name: 'Eng copy', atsTag: '  engineering', settings: { referees }, startFrom: 'general' });
  expect(res.status).toBe(409);
  expect(res.body.message).toContain('already used by the template "Engineering references"');
});

test('when a template is deleted, then it is gone; one that requests use stays with 409', async () => {
  const created = await call('POST', templates(), { name: 'Temporary', atsTag: 'temp', settings: { referees }, startFrom: 'leadership' });
  expect((await call('DELETE', `${templates()}/${created.body.id}`)).status).toBe(204);
  expect((await call('GET', `${templates()}/${created.body.id}`)).status).toBe(404);
  const [standard] = await listTemplates(stack.db, stack.connectionId);
  await stack.db.query(
    `insert into reference_requests (id, workflow_id, run_id, connection_id, opportunity_id, template_id, candidate_name, candidate_email, required_references, deadline_at)
     values ('rq_tpl_test', 'wf', 'run_tpl_test', $1, 'opp', $2, 'Ada', 'ada@candidate.test', 2, now())`,
    [stack.connectionId, standard.id],
  );
  expect((await call('DELETE', `${templates()}/${standard.id}`)).status).toBe(409);
});

test('when a connection is created, then it gets one default template; seeding again changes nothing', async () => {
  const { id } = await createConnection(stack.db, stack.box, 'http://refcheck.test', {
    name: 'Seeded', leverBaseUrl: 'https://lever.test', apiKey: 'k', triggerStageId: 's', signingTokens: { candidateStageChange: 'x'.repeat(24) },
  });
  const [seeded] = await listTemplates(stack.db, id);
  expect(seeded).toMatchObject({ name: 'Standard reference check', isDefault: true, requiredReferences: 2 });
  expect(await seedDefaultTemplate(stack.db, id)).toEqual(seeded);
  expect(await listTemplates(stack.db, id)).toHaveLength(1);

  const cli = await createConnection(stack.db, stack.box, 'http://refcheck.test', {
    name: 'From CLI', leverBaseUrl: 'https://lever.test', apiKey: 'k', triggerStageId: 's', signingTokens: {},
    defaultTemplate: { name: 'Demo references', requiredReferences: 3, deadlineSeconds: 600 },
  });
  const [demo] = await listTemplates(stack.db, cli.id);
  expect(demo).toMatchObject({ name: 'Demo references', isDefault: true, requiredReferences: 3, deadlineSeconds: 600 });
  expect(demo.settings).toMatchObject({ referees: [{ relationship: 'any', required: 3, optional: 0 }], deadlines: { candidateSeconds: 600, refereeSeconds: 600 } });
});
