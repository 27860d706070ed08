import { randomBytes } from 'node:crypto';
import type { Request, Response, Router } from 'express';
import { audit } from '../../db/accounts';
import { listOrgConnections, openOrgApiKey, type ConnectionSummary } from '../../db/console-connections';
import { deleteTemplate, findTemplate, insertTemplate, listTemplates, updateTemplate, type Template } from '../../db/templates';
import { formRows, formValues, parseTemplateForm, QUESTION_TYPES, REFEREE_KINDS, toFormValues, withReadyMadeSurvey, type FormValues, type TemplateInput } from '../../console/template-form';
import { postingsWithTag, type TaggedPosting } from '../../console/template-postings';
import { atsTagHint, templateConflict } from '../../templates/conflicts';
import { makeDefaultTemplate } from '../../templates/make-default';
import { defaultTemplateSettings, READY_MADE_SURVEYS } from '../../templates/surveys';
import type { AppDeps } from '../app';
import { consoleMessage, page, redirectWith, route, signedIn } from './render';

type Loaded = { connection: ConnectionSummary; template: Template };
type FormPage = { connection?: ConnectionSummary; connections?: ConnectionSummary[]; template?: Template; values: FormValues; errors?: Record<string, string>; status?: number; postings?: TaggedPosting[]; postingsProblem?: string };

/**
 * Templates (admins only): every template of the organisation's connections, with a ⋯ menu
 * (edit, duplicate, make default, delete after a confirmation), and one form for everything a
 * template holds. The form is parsed by console/template-form.ts; the unique indexes decide
 * tag and default clashes, which come back beside their fields. Every change is audited.
 */
export function templatesRoutes(router: Router, deps: AppDeps) {
  const limits = { leverRequestsPerSecond: deps.config.LEVER_REQUESTS_PER_SECOND, leverBurst: deps.config.LEVER_BURST, leverSlotHorizonMs: deps.config.LEVER_SLOT_HORIZON_MS };

  router.get('/console/templates', route(async (req, res) => {
    const connections = await listOrgConnections(deps.db, signedIn(res).organisationId);
    const only = typeof req.query.connection === 'string' ? connections.filter((c) => c.id === req.query.connection) : connections;
    if (!only.length && req.query.connection) return notFound(res);
    const groups = await Promise.all(only.map(async (connection) => ({ connection, templates: await listTemplates(deps.db, connection.id) })));
    page(res, 'templates', { title: 'Templates', section: 'templates', groups, several: connections.length > 1, filtered: only.length < connections.length });
  }));

  router.get('/console/templates/new', route(async (req, res) => {
    const connections = await listOrgConnections(deps.db, signedIn(res).organisationId);
    if (!connections.length) return consoleMessage(res, 409, 'Connect Lever first', 'Templates belong to a Lever connection. Connect a Lever account, then make its templates.', { back: '/console/connections' });
    const wanted = typeof req.query.connection === 'string' ? req.query.connection : connections.length === 1 ? connections[0].id : '';
    const connection = connections.find((c) => c.id === wanted);
    if (wanted && !connection) return notFound(res);
    const blank: TemplateInput = { name: '', atsTag: null, isDefault: false, settings: defaultTemplateSettings({ description: '' }) };
    await showForm(res, { connection, connections, values: { ...toFormValues(blank), connection: wanted } });
  }));

  router.post('/console/templates', route(async (req, res) => {
    const me = signedIn(res);
    const values = formValues(req.body);
    const connections = await listOrgConnections(deps.db, me.organisationId);
    const connection = connections.find((c) => c.id === (values.connection || (connections.length === 1 ? connections[0].id : '')));
    if (values.connection && !connection) return notFound(res);
    if (values._load) return showForm(res, { connection, connections, values: withReadyMadeSurvey(values, values.startFrom) });
    const form = parseTemplateForm(values);
    const errors = { ...(connection ? {} : { connection: 'Choose the Lever connection this template belongs to.' }), ...(form.ok ? {} : form.errors) };
    if (!form.ok || !connection) return showForm(res, { connection, connections, values, errors, status: 422 });
    const id = `t_${randomBytes(8).toString('hex')}`;
    const clash = await unlessConflict(connection.id, form.template, () => insertTemplate(deps.db, connection.id, { id, ...form.template }));
    if (clash) return showForm(res, { connection, connections, values, errors: clash, status: 409 });
    await audit(deps.db, { organisationId: me.organisationId, accountId: me.id, action: 'template.created', target: id, detail: { connectionId: connection.id, name: form.template.name } });
    redirectWith(req, res, '/console/templates', `Created the template "${form.template.name}".`);
  }));

  router.get('/console/templates/:id/edit', route(async (req, res) => {
    const found = await load(req, res);
    if (found) await showForm(res, { ...found, values: toFormValues(found.template) });
  }));

  router.post('/console/templates/:id', route(async (req, res) => {
    const found = await load(req, res);
    if (!found) return;
    const { connection, template } = found;
    const values = formValues(req.body);
    if (values._load) return showForm(res, { ...found, values: withReadyMadeSurvey(values, values.startFrom) });
    const form = parseTemplateForm(values);
    // A connection keeps one default, so postings matching no tag still get a check.
    const errors = template.isDefault && form.ok && !form.template.isDefault ? { isDefault: 'Each connection needs a default. Make another template the default first (its ⋯ menu in the list).' } : form.ok ? undefined : form.errors;
    if (!form.ok || errors) return showForm(res, { ...found, values, errors, status: 422 });
    const clash = await unlessConflict(connection.id, form.template, () => updateTemplate(deps.db, connection.id, template.id, form.template));
    if (clash) return showForm(res, { ...found, values, errors: clash, status: 409 });
    await done(req, res, 'template.updated', template, `Saved the template "${form.template.name}".`);
  }));

  router.post('/console/templates/:id/duplicate', route(async (req, res) => {
    const found = await load(req, res);
    if (!found) return;
    const { connection, template } = found;
    const id = `t_${randomBytes(8).toString('hex')}`;
    // The copy has no tag (tags are unique per connection) and is not the default.
    const name = `${template.name.slice(0, 193)} (copy)`;
    await insertTemplate(deps.db, connection.id, { id, name, atsTag: null, isDefault: false, settings: template.settings });
    await done(req, res, 'template.duplicated', template, `Duplicated "${template.name}" as "${name}", without an ATS tag: edit it to give it one.`, { copyId: id });
  }));

  router.post('/console/templates/:id/default', route(async (req, res) => {
    const found = await load(req, res);
    if (!found) return;
    await makeDefaultTemplate(deps.db, found.connection.id, found.template.id);
    await done(req, res, 'template.made-default', found.template, `"${found.template.name}" is now the default: postings whose tags match no other template use it.`);
  }));

  router.get('/console/templates/:id/delete', route(async (req, res) => {
    const found = await load(req, res);
    if (found) page(res, 'template-delete', { title: `Delete ${found.template.name}`, section: 'templates', ...found, refusal: found.template.isDefault ? DEFAULT_REFUSAL : undefined });
  }));

  router.post('/console/templates/:id/delete', route(async (req, res) => {
    const found = await load(req, res);
    if (!found) return;
    const { connection, template } = found;
    const refuse = (refusal: string) => page(res, 'template-delete', { title: `Delete ${template.name}`, section: 'templates', ...found, refusal }, 409);
    if (template.isDefault) return refuse(DEFAULT_REFUSAL);
    // Requests keep a foreign key to their template (their reports name it): a used one stays.
    if (!(await deleteTemplate(deps.db, connection.id, template.id))) return refuse('Reference checks have used this template, and their reports refer to it, so it stays. Remove its ATS tag so no new posting picks it.');
    await done(req, res, 'template.deleted', template, `Deleted the template "${template.name}".`);
  }));

  /** The organisation's template named in the URL, or a 404 page: another organisation's id is simply unknown. */
  async function load(req: Request, res: Response): Promise<Loaded | undefined> {
    for (const connection of await listOrgConnections(deps.db, signedIn(res).organisationId)) {
      const template = await findTemplate(deps.db, connection.id, String(req.params.id));
      if (template) return { connection, template };
    }
    notFound(res);
    return undefined;
  }

  async function showForm(res: Response, p: FormPage) {
    const tag = (p.values.atsTag ?? '').trim();
    // The postings carrying the saved tag, live from Lever, on the edit page only.
    const live = p.template?.atsTag && !p.postings ? await postingsOf(res, p.connection!, p.template.atsTag) : { postings: p.postings, problem: p.postingsProblem };
    page(res, 'template-form', {
      title: p.template ? `Edit ${p.template.name}` : 'New template', section: 'templates',
      action: p.template ? `/console/templates/${p.template.id}` : '/console/templates',
      template: p.template, connection: p.connection, connections: p.connections ?? [], values: p.values, errors: p.errors ?? {}, problems: [],
      rows: formRows(p.values), surveys: Object.entries(READY_MADE_SURVEYS).map(([key, s]) => ({ key, name: s.name, size: s.questions.length })),
      types: QUESTION_TYPES, kinds: REFEREE_KINDS,
      tagHint: atsTagHint({ atsTag: tag ? tag.toLowerCase() : null, isDefault: p.values.isDefault === 'on' }),
      savedTag: p.template?.atsTag?.trim().toLowerCase(), postings: live.postings, postingsProblem: live.problem,
      smsAvailable: deps.config.SMS_PROVIDER !== 'none',
    }, p.status ?? 200);
  }

  async function postingsOf(res: Response, connection: ConnectionSummary, tag: string) {
    const apiKey = await openOrgApiKey(deps.db, deps.box, signedIn(res).organisationId, connection.id);
    if (!apiKey) return { postings: [], problem: 'This connection has no API key, so Lever cannot be asked.' };
    return postingsWithTag(deps.db, deps.box, limits, { leverBaseUrl: connection.leverBaseUrl, apiKey, confidentialAccess: connection.confidentialAccess }, tag);
  }

  /** Runs the write; a broken unique index comes back as an error beside the tag or the default box. */
  async function unlessConflict(connectionId: string, t: TemplateInput, write: () => Promise<unknown>): Promise<Record<string, string> | undefined> {
    try {
      await write();
      return undefined;
    } catch (err) {
      const found = await templateConflict(deps.db, connectionId, err, t.atsTag);
      if (!found) throw err;
      const holder = found.holder ? `"${found.holder.name}"` : 'Another template';
      return found.index === 'templates_tag'
        ? { atsTag: `${holder} already uses this tag (tags match ignoring case and surrounding spaces). Choose another, or remove it there first.` }
        : { isDefault: `${holder} is the default already. Save this one without the box, then choose "Make default" in its ⋯ menu in the list.` };
    }
  }

  async function done(req: Request, res: Response, action: string, t: Template, flash: string, detail: object = {}) {
    const me = signedIn(res);
    await audit(deps.db, { organisationId: me.organisationId, accountId: me.id, action, target: t.id, detail: { name: t.name, ...detail } });
    redirectWith(req, res, '/console/templates', flash);
  }
}

const DEFAULT_REFUSAL = 'This is the connection\'s default template: postings whose tags match no other template use it. Make another template the default first (its ⋯ menu in the list), then delete this one.';
const notFound = (res: Response) => consoleMessage(res, 404, 'Not found', 'There is no such template or connection in your organisation.', { back: '/console/templates' });
