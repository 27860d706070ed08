import { randomBytes } from 'node:crypto';
import { insertOrganisation, listAudit } from '../src/db/accounts';
import { insertConnection } from '../src/db/connections';
import { insertTemplate, listTemplates, type Template } from '../src/db/templates';
import { parseTemplateForm } from '../src/console/template-form';
import { defaultTemplateSettings } from '../src/templates/surveys';
import { consoleUser, textOf, type ConsoleUser } from './helpers/console';
import { startStack, type Stack } from './helpers/stack';

/**
 * The console's templates page over HTTP, as an admin's browser uses it: the list and its ⋯
 * menu, the one form for everything a template holds (errors beside their fields, nothing
 * saved), tag and default clashes, delete with confirmation, another organisation's ids, and
 * recruiters kept out.
 */
let stack: Stack;
let admin: ConsoleUser;
beforeAll(async () => {
  stack = await startStack({ worker: false });
  admin = await consoleUser(stack, 'admin');
});
afterAll(() => stack.close());

const templates = () => listTemplates(stack.db, stack.connectionId);
const named = async (name: string) => (await templates()).find((t) => t.name === name);
/** The error the page shows beside `field` (the _field partial's `f-<name>-error`). */
const errorBeside = (html: string, field: string) => {
  const found = new RegExp(`id="f-${field}-error"[^>]*>([^<]*)<`).exec(html);
  return found ? textOf(found[1]).trim() : undefined;
};

/** A complete, valid form: three questions, two referee rows and a blank row of each. */
function form(over: Record<string, string> = {}): Record<string, string> {
  return {
    connection: stack.connectionId, name: 'Design', atsTag: 'Design', description: 'For designers', position: 'Product Designer',
    q0_order: '1', q0_type: 'rating', q0_id: 'craft', q0_text: 'How good is their craft?', q0_required: 'on', q0_labels: '',
    q1_order: '2', q1_type: 'choice', q1_id: 'again', q1_text: 'Would you work with them again?', q1_required: 'on', q1_options: 'Yes\r\nNo\r\n\r\nNot sure',
    q2_order: '3', q2_type: 'text', q2_id: 'notes', q2_text: 'Anything else we should know?', q2_maxLength: '500',
    q3_order: '4', q3_type: 'rating', q3_id: '', q3_text: '', q3_required: 'on',
    r0_relationship: 'manager', r0_required: '1', r0_optional: '0', r0_note: 'your last manager',
    r1_relationship: 'any', r1_required: '1', r1_optional: '1', r1_note: '',
    r2_relationship: 'any', r2_required: '', r2_optional: '', r2_note: '',
    hm_name: '', hm_email: '',
    rem_intervalDays: '1.5', rem_maxCount: '2', quiet_on: 'on', quiet_start: '21:00', quiet_end: '07:30', quiet_timeZone: 'Europe/London',
    deadline_candidateDays: '4', deadline_refereeDays: '0.5', replaceAfterDays: '2',
    conclusion_rule: 'minimum', conclusion_minimum: '2',
    ...over,
  };
}

async function create(over: Record<string, string>): Promise<Template> {
  await admin.get(`/console/templates/new?connection=${stack.connectionId}`);
  const res = await admin.post('/console/templates', form(over));
  expect(res).toMatchObject({ status: 303, location: '/console/templates' });
  return (await named(over.name))!;
}

describe('the form, read without HTTP', () => {
  test('when days are decimal, then they are stored as whole seconds, at least one', () => {
    const parsed = parseTemplateForm(form({ deadline_refereeDays: '0.5', replaceAfterDays: '0.000001' }));
    expect(parsed.ok && parsed.template.settings).toMatchObject({ deadlines: { refereeSeconds: 43_200 }, replaceAfterSeconds: 1 });
  });

  test('when a question row has no text, then the error is keyed by that row, not by its place in the survey', () => {
    const parsed = parseTemplateForm(form({ q1_text: '', q0_order: '9' }));
    expect(parsed).toEqual({ ok: false, errors: { q1_text: 'Write the question.' } });
  });
});

test('when an admin creates a template with a custom survey and referees, then it is listed with its tag in lowercase, saved whole and audited', async () => {
  const t = await create({ name: 'Design', atsTag: 'Design' });
  expect(t.atsTag).toBe('Design');
  expect(t.isDefault).toBe(false);
  expect(t.settings).toMatchObject({
    description: 'For designers', position: 'Product Designer',
    survey: [
      { id: 'craft', type: 'rating', required: true, labels: ['Poor', 'Fair', 'Good', 'Very good', 'Outstanding'] },
      { id: 'again', type: 'choice', options: ['Yes', 'No', 'Not sure'] },
      { id: 'notes', type: 'text', required: false, maxLength: 500 },
    ],
    referees: [{ relationship: 'manager', required: 1, optional: 0, note: 'your last manager' }, { relationship: 'any', required: 1, optional: 1 }],
    hiringManager: null,
    reminders: { intervalSeconds: 129_600, maxCount: 2, quietHours: { start: '21:00', end: '07:30', timeZone: 'Europe/London' } },
    deadlines: { candidateSeconds: 4 * 86_400, refereeSeconds: 43_200 },
    replaceAfterSeconds: 2 * 86_400,
    conclusion: { rule: 'minimum', minimum: 2 },
  });
  expect(t.settings.survey).toHaveLength(3);

  const list = await admin.get('/console/templates');
  expect(list.status).toBe(200);
  expect(textOf(list.html)).toContain('Design Product Designer design 2 required, 1 optional manager, any type 3 questions');
  expect(list.html).toContain('<code>design</code>');
  expect(list.html).toContain('<summary aria-label="Actions for Design">⋯</summary>');
  expect((await listAudit(stack.db, stack.organisationId)).find((e) => e.target === t.id)).toMatchObject({ action: 'template.created' });
});

test('when a posting in Lever carries the tag, then the edit page lists it with its link; when Lever fails, the form still shows and says so', async () => {
  const t = await create({ name: 'Sales', atsTag: 'Sales EMEA' });
  stack.fake.addPosting({ id: 'post-sales-1', text: 'Account Executive, Berlin', tags: ['Sales EMEA'] });
  stack.fake.addPosting({ id: 'post-other', text: 'Staff Engineer', tags: ['Engineering'] });
  const page = await admin.get(`/console/templates/${t.id}/edit`);
  expect(page.status).toBe(200);
  expect(page.html).toMatch(/<a href="http[^"]+post-sales-1[^"]*"[^>]*>Account Executive, Berlin<\/a>/);
  expect(page.html).not.toContain('Staff Engineer');
  expect(textOf(page.html)).toContain('Add the tag "sales emea" to a posting in Lever');

  stack.fake.injectFault({ method: 'GET', path: '/postings', status: 503, times: 5 });
  const down = await admin.get(`/console/templates/${t.id}/edit`);
  stack.fake.clearFaults();
  expect(down.status).toBe(200);
  expect(textOf(down.html)).toContain('Could not read the postings with this tag');
  expect(down.html).toContain('name="q0_text"');
});

test('when the order numbers are changed, then the questions are saved in that order', async () => {
  const t = await create({ name: 'Reorder', atsTag: 'reorder' });
  await admin.get(`/console/templates/${t.id}/edit`);
  const res = await admin.post(`/console/templates/${t.id}`, form({ name: 'Reorder', atsTag: 'reorder', q0_order: '3', q1_order: '1', q2_order: '2' }));
  expect(res.status).toBe(303);
  expect((await named('Reorder'))!.settings.survey.map((q) => q.id)).toEqual(['again', 'notes', 'craft']);
  expect((await listAudit(stack.db, stack.organisationId)).find((e) => e.target === t.id)).toMatchObject({ action: 'template.updated' });
});

test('when a ready-made survey is copied into the rows, then nothing is saved; saving with one chosen uses it as it is', async () => {
  const before = (await templates()).length;
  await admin.get('/console/templates/new');
  const copied = await admin.post('/console/templates', form({ name: 'Ready', atsTag: 'ready', startFrom: 'engineering', _load: '1' }));
  expect(copied.status).toBe(200);
  expect(copied.html).toContain('name="q1_id" type="text" value="quality"');
  expect(copied.html).not.toContain('value="craft"');
  expect((await templates()).length).toBe(before);

  await create({ name: 'Ready', atsTag: 'ready', startFrom: 'leadership' });
  expect((await named('Ready'))!.settings.survey.map((q) => q.id)).toEqual(['overall', 'develops', 'decisions', 'rehire', 'comments']);
});

describe('when the form is wrong, then 422 shows the error beside its field and nothing changes', () => {
  test('an empty form', async () => {
    const before = (await templates()).length;
    await admin.get('/console/templates/new');
    const res = await admin.post('/console/templates', {});
    expect(res.status).toBe(422);
    expect(errorBeside(res.html, 'name')).toBe('Name the template.');
    expect(errorBeside(res.html, 'questions')).toMatch(/at least one question/);
    expect(errorBeside(res.html, 'referees')).toMatch(/at least one referee/);
    expect((await templates()).length).toBe(before);
  });

  test('a malformed form (the name sent twice)', async () => {
    const before = (await templates()).length;
    const res = await admin.post('/console/templates', { ...form({ atsTag: 'twice' }), name: ['One', 'Two'] });
    expect(res.status).toBe(422);
    expect(errorBeside(res.html, 'name')).toBe('Name the template.');
    expect((await templates()).length).toBe(before);
  });

  test('a bad email for the hiring manager', async () => {
    const before = (await templates()).length;
    const res = await admin.post('/console/templates', form({ name: 'Bad email', atsTag: 'bad-email', hm_name: 'Hedy Lamarr', hm_email: 'hedy@' }));
    expect(res.status).toBe(422);
    expect(errorBeside(res.html, 'hm_email')).toMatch(/email address/);
    expect(res.html).toMatch(/id="f-hm_email" name="hm_email" type="email" value="hedy@"[^>]*aria-invalid="true"/);
    expect(errorBeside(res.html, 'name')).toBeUndefined();
    expect((await templates()).length).toBe(before);
  });

  test('a question with no text (on an edit: the template keeps its questions)', async () => {
    const t = await create({ name: 'No text', atsTag: 'no-text' });
    const res = await admin.post(`/console/templates/${t.id}`, form({ name: 'No text renamed', atsTag: 'no-text', q2_text: '' }));
    expect(res.status).toBe(422);
    expect(errorBeside(res.html, 'q2_text')).toBe('Write the question.');
    expect(errorBeside(res.html, 'q0_text')).toBeUndefined();
    expect(await named('No text renamed')).toBeUndefined();
    expect((await named('No text'))!.settings.survey).toHaveLength(3);
  });
});

test('when a tag is already used (ignoring case and spaces), then the error stands beside the tag field', async () => {
  await create({ name: 'Tag owner', atsTag: 'Marketing' });
  const before = (await templates()).length;
  const res = await admin.post('/console/templates', form({ name: 'Tag thief', atsTag: '  MARKETING ' }));
  expect(res.status).toBe(409);
  expect(errorBeside(res.html, 'atsTag')).toContain('"Tag owner" already uses this tag');
  expect((await templates()).length).toBe(before);
});

test('when a second template is ticked as the default, then the error stands beside the default box', async () => {
  const res = await admin.post('/console/templates', form({ name: 'Second default', atsTag: 'second-default', isDefault: 'on' }));
  expect(res.status).toBe(409);
  expect(errorBeside(res.html, 'isDefault')).toMatch(/is the default already/);
});

test('when a template is duplicated, then the copy has its settings, no tag and is not the default', async () => {
  const t = await create({ name: 'Original', atsTag: 'original' });
  await admin.get('/console/templates');
  const res = await admin.post(`/console/templates/${t.id}/duplicate`, {});
  expect(res).toMatchObject({ status: 303, location: '/console/templates' });
  const copy = (await named('Original (copy)'))!;
  expect(copy).toMatchObject({ atsTag: null, isDefault: false, settings: t.settings });
  expect(textOf((await admin.get('/console/templates')).html)).toContain('Duplicated "Original" as "Original (copy)"');
});

test('when another template is made the default, then the old one is not; the default cannot be deleted, the other then can', async () => {
  const old = (await templates()).find((t) => t.isDefault)!;
  const t = await create({ name: 'New default', atsTag: 'new-default' });
  await admin.get('/console/templates');
  expect(await admin.post(`/console/templates/${t.id}/default`, {})).toMatchObject({ status: 303 });
  expect((await templates()).filter((x) => x.isDefault).map((x) => x.id)).toEqual([t.id]);

  const confirm = await admin.get(`/console/templates/${t.id}/delete`);
  expect(textOf(confirm.html)).toContain('Make another template the default first');
  const refused = await admin.post(`/console/templates/${t.id}/delete`, {});
  expect(refused.status).toBe(409);
  expect(await named('New default')).toBeDefined();

  const page = await admin.get(`/console/templates/${old.id}/delete`);
  expect(textOf(page.html)).toContain(`Delete “${old.name}”?`);
  expect(page.html).toContain('Delete the template</button>');
  expect(await admin.post(`/console/templates/${old.id}/delete`, {})).toMatchObject({ status: 303, location: '/console/templates' });
  expect(await named(old.name)).toBeUndefined();
  const actions = (await listAudit(stack.db, stack.organisationId)).map((e) => `${e.action} ${e.target}`);
  expect(actions).toEqual(expect.arrayContaining([`template.made-default ${t.id}`, `template.deleted ${old.id}`]));
});

test('when requests used a template, then deleting it is refused with the reason', async () => {
  const t = await create({ name: 'Used', atsTag: 'used' });
  await stack.db.query(
    `insert into reference_requests (id, workflow_id, run_id, connection_id, opportunity_id, template_id, candidate_name, candidate_email, required_references, deadline_at)
     values ('rq_console_tpl', 'wf', 'run_console_tpl', $1, 'opp', $2, 'Ada', 'ada@candidate.test', 2, now())`,
    [stack.connectionId, t.id],
  );
  await admin.get(`/console/templates/${t.id}/delete`);
  const res = await admin.post(`/console/templates/${t.id}/delete`, {});
  expect(res.status).toBe(409);
  expect(textOf(res.html)).toContain('Reference checks have used this template');
  expect(await named('Used')).toBeDefined();
});

test('when an admin names another organisation\'s template or connection, then every page answers 404 and nothing changes', async () => {
  const organisationId = `org_${randomBytes(6).toString('hex')}`;
  const connectionId = `conn_${randomBytes(6).toString('hex')}`;
  await insertOrganisation(stack.db, { id: organisationId, name: 'Other Co' });
  await insertConnection(stack.db, stack.box, {
    id: connectionId, name: 'Other Co', leverBaseUrl: stack.fake.url, apiKey: 'other-key', triggerStageId: null,
    hireConfirmationDelaySeconds: 3600, ownerAnswerTimeoutSeconds: 3600, hireSync: 'note-and-tag', signingTokens: {}, organisationId,
  });
  const theirs = await insertTemplate(stack.db, connectionId, { id: `t_${randomBytes(6).toString('hex')}`, name: 'Theirs', atsTag: 'theirs', isDefault: false, settings: defaultTemplateSettings() });

  await admin.get('/console/templates');
  for (const path of [`/console/templates/${theirs.id}/edit`, `/console/templates/${theirs.id}/delete`, `/console/templates/new?connection=${connectionId}`, `/console/templates?connection=${connectionId}`]) {
    expect([path, (await admin.get(path)).status]).toEqual([path, 404]);
  }
  for (const path of [`/console/templates/${theirs.id}`, `/console/templates/${theirs.id}/duplicate`, `/console/templates/${theirs.id}/default`, `/console/templates/${theirs.id}/delete`]) {
    expect([path, (await admin.post(path, form({ name: 'Hijacked', atsTag: 'hijacked' }))).status]).toEqual([path, 404]);
  }
  expect((await admin.post('/console/templates', form({ connection: connectionId, name: 'Planted', atsTag: 'planted' }))).status).toBe(404);
  expect((await listTemplates(stack.db, connectionId)).map((t) => t.name)).toEqual(['Theirs']);
  expect(textOf((await admin.get('/console/templates')).html)).not.toContain('Theirs');
});

test('when a recruiter opens or posts any templates URL, then 403 and nothing changes', async () => {
  const recruiter = await consoleUser(stack, 'recruiter');
  const [t] = await templates();
  for (const path of ['/console/templates', '/console/templates/new', `/console/templates/${t.id}/edit`, `/console/templates/${t.id}/delete`]) {
    expect([path, (await recruiter.get(path)).status]).toEqual([path, 403]);
  }
  await recruiter.get('/console/checks');
  const before = await templates();
  for (const path of ['/console/templates', `/console/templates/${t.id}`, `/console/templates/${t.id}/duplicate`, `/console/templates/${t.id}/default`, `/console/templates/${t.id}/delete`]) {
    expect([path, (await recruiter.post(path, form({ name: 'By a recruiter', atsTag: 'recruiter' }))).status]).toEqual([path, 403]);
  }
  expect(await templates()).toEqual(before);
});

describe('text messages in the form', () => {
  test('texts turned on with a default country are saved (the country upper-cased) and shown ticked on the edit page', async () => {
    const t = await create({ name: 'Texting', atsTag: 'texting', sms_on: 'on', sms_defaultCountry: 'gb', sms_candidateText: 'Acme here: your referees, please.', sms_refereeText: '' });
    expect(t.settings.sms).toEqual({ enabled: true, defaultCountry: 'GB', candidateText: 'Acme here: your referees, please.' });
    const edit = await admin.get(`/console/templates/${t.id}/edit`);
    expect(edit.html).toMatch(/name="sms_on" checked/);
    expect(edit.html).toContain('value="GB"');
  });

  test('a malformed default country is refused beside its field, and nothing is saved', async () => {
    const before = (await templates()).length;
    await admin.get(`/console/templates/new?connection=${stack.connectionId}`);
    const res = await admin.post('/console/templates', form({ name: 'Bad country', atsTag: 'bad-country', sms_on: 'on', sms_defaultCountry: 'USA' }));
    expect(res.status).toBe(422);
    expect(errorBeside(res.html, 'sms_defaultCountry')).toMatch(/two-letter country code/);
    expect((await templates()).length).toBe(before);
  });
});
