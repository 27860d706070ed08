import { listAudit } from '../src/db/accounts';
import { consoleUser, textOf, type ConsoleUser } from './helpers/console';
import { checkAwaitingHire, giveReferences, startCheck, waitForStatus } from './helpers/journey';
import { pdfPageCount, pdfText } from './helpers/pdf';
import { startStack, type Stack } from './helpers/stack';

/**
 * The optional report PDF, on real parts: a connection setting an admin switches in the console,
 * the report page rendered by the machine's Chromium, uploaded to the (fake) Lever's files
 * endpoint exactly once, and its fate shown on the check's console page.
 */
let stack: Stack;
let admin: ConsoleUser;
beforeAll(async () => {
  stack = await startStack();
  admin = await consoleUser(stack, 'admin');
});
afterAll(() => stack.close());
beforeEach(() => {
  stack.fake.clearFaults();
  stack.fake.reset();
});

const connectionPage = () => `/console/connections/${stack.connectionId}`;
const checkPage = (opportunityId: string) => `/console/checks/${stack.connectionId}/${opportunityId}`;
const filesRequests = (opportunityId: string, method: string) => stack.fake.requests.filter((r) => r.method === method && r.path.endsWith(`/opportunities/${opportunityId}/files`));

/** The admin's form on the connection page, as a browser sends it (an unticked box is simply absent). */
async function setPdf(user: ConsoleUser, on: boolean) {
  await user.get(connectionPage());
  return user.post(`${connectionPage()}/report-pdf`, on ? { attach: 'on' } : {});
}
const pdfBoxTicked = (html: string) => /<input type="checkbox" name="attach" checked>/.test(html);

test('when the setting is switched on while a check runs, then its report goes to Lever as one PDF with the candidate and the answers in it', async () => {
  await setPdf(admin, false);
  const opp = stack.seedCandidate('opp-pdf');
  const { handle, requestId } = await startCheck(stack, opp);
  // The worker reads the setting when it publishes, so a running check picks the change up.
  expect((await setPdf(admin, true)).status).toBe(303);
  await giveReferences(stack, opp);
  await waitForStatus(handle, (s) => s.step === 'awaiting-hire-outcome');

  const files = stack.fake.files(opp);
  expect(files).toEqual([expect.objectContaining({ name: `refcheck-reference-report-${requestId}.pdf`, mimeType: 'application/pdf' })]);
  const pdf = files[0].content;
  expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  expect(pdf.length).toBeGreaterThan(10_000);
  expect(pdf.toString('latin1')).toMatch(/\/Type \/Page\b/);
  expect(pdfPageCount(pdf)).toBeGreaterThanOrEqual(1);
  // What a reader of the PDF sees: the report page's own content, a referee's markup as plain text.
  const text = pdfText(pdf).replace(/\s+/g, ' ');
  expect(text).toContain('Ada Lovelace');
  expect(text).toContain('Reference check complete: 2 of 2 references, average 4.5/5');
  expect(text).toContain('Charles Babbage');
  expect(text).toContain('Brilliant <script>alert(1)</script> analyst');
  // The link and the note are there as without the setting.
  expect(stack.fake.links(opp)).toHaveLength(1);
  expect(stack.fake.notes(opp)).toHaveLength(1);

  const page = textOf((await admin.get(checkPage(opp))).html);
  expect(page).toMatch(/PDF attached The report is a file on the candidate in Lever \(\d+ KB\)/);
  await handle.terminate('test done');
});

test('when Lever stores the upload but its answer is lost, then the retry finds the file by its name and uploads nothing again', async () => {
  await setPdf(admin, true);
  const opp = stack.seedCandidate('opp-pdf-lost-answer');
  const { handle } = await startCheck(stack, opp);
  stack.fake.injectFault({ method: 'POST', path: `/opportunities/${opp}/files`, afterWrite: true, status: 502 });
  await giveReferences(stack, opp);
  await waitForStatus(handle, (s) => s.step === 'awaiting-hire-outcome');

  expect(filesRequests(opp, 'POST').map((r) => r.status)).toEqual([502]); // uploaded once; the retry found it
  expect(filesRequests(opp, 'GET').length).toBe(2); // each attempt looked first
  expect(stack.fake.files(opp)).toHaveLength(1);
  expect(textOf((await admin.get(checkPage(opp))).html)).toContain('PDF attached');
  await handle.terminate('test done');
});

test('when Lever refuses the file for good, then the check records the PDF as failed and goes on to the hire outcome', async () => {
  await setPdf(admin, true);
  const opp = stack.seedCandidate('opp-pdf-refused');
  const { handle } = await startCheck(stack, opp);
  // As Lever answers a key without the files permission.
  stack.fake.injectFault({ method: 'POST', path: `/opportunities/${opp}/files`, status: 403 });
  await giveReferences(stack, opp);
  await waitForStatus(handle, (s) => s.step === 'awaiting-hire-outcome');

  expect(filesRequests(opp, 'POST').map((r) => r.status)).toEqual([403]); // not retried: it would not pass
  expect(stack.fake.files(opp)).toHaveLength(0);
  expect(stack.fake.notes(opp)).toHaveLength(1);
  expect(textOf((await admin.get(checkPage(opp))).html)).toContain('PDF failed LeverForbidden');
  await handle.terminate('test done');
});

test('when the setting is off, then no file goes to Lever and Lever\'s files are not even listed', async () => {
  await setPdf(admin, false);
  const opp = stack.seedCandidate('opp-pdf-off');
  const { handle } = await checkAwaitingHire(stack, opp);

  expect(stack.fake.files(opp)).toHaveLength(0);
  expect(stack.fake.requests.filter((r) => r.path.includes('/files'))).toHaveLength(0);
  expect(stack.fake.notes(opp)).toHaveLength(1);
  expect((await admin.get(checkPage(opp))).html).not.toContain('id="report-pdf"'); // nothing to say about a PDF
  await handle.terminate('test done');
});

test('when an admin switches the setting in the console, then it is saved and audited; a recruiter, or a form without its CSRF token, changes nothing', async () => {
  await setPdf(admin, false);
  const on = await setPdf(admin, true);
  expect(on).toMatchObject({ status: 303, location: connectionPage() });
  const page = await admin.get(connectionPage());
  expect(pdfBoxTicked(page.html)).toBe(true);
  expect(textOf(page.html)).toContain('Reports will be attached to candidates in Lever as PDFs');
  expect(textOf(page.html)).not.toContain('Chromium is not installed'); // this worker has it
  const [entry] = await listAudit(stack.db, stack.organisationId, { target: stack.connectionId, limit: 1 });
  expect(entry).toMatchObject({ action: 'connection.report-pdf', detail: { attach: true }, accountName: 'admin person' });

  const recruiter = await consoleUser(stack, 'recruiter');
  expect((await recruiter.post(`${connectionPage()}/report-pdf`, {})).status).toBe(403);
  expect((await admin.post(`${connectionPage()}/report-pdf`, {}, { csrf: null })).status).toBe(403);
  expect(pdfBoxTicked((await admin.get(connectionPage())).html)).toBe(true);

  expect((await setPdf(admin, false)).status).toBe(303);
  expect(pdfBoxTicked((await admin.get(connectionPage())).html)).toBe(false);
});

test('when the worker has no Chromium, then the console warns beside the setting and a check skips the PDF, says why, and goes on', async () => {
  const bare = await startStack({ chromium: false });
  try {
    const bareAdmin = await consoleUser(bare, 'admin');
    const path = `/console/connections/${bare.connectionId}`;
    expect(textOf((await bareAdmin.get(path)).html)).toContain('Chromium is not installed on refcheck\'s worker');
    await bareAdmin.post(`${path}/report-pdf`, { attach: 'on' });
    expect(textOf((await bareAdmin.get(path)).html)).toContain('checks skip the PDF and say so on their page');

    const opp = bare.seedCandidate('opp-pdf-no-chromium');
    const { handle } = await checkAwaitingHire(bare, opp);
    expect(bare.fake.files(opp)).toHaveLength(0);
    expect(bare.fake.notes(opp)).toHaveLength(1);
    expect(textOf((await bareAdmin.get(`/console/checks/${bare.connectionId}/${opp}`)).html)).toContain('PDF skipped Chromium is not installed on refcheck\'s worker');
    await handle.terminate('test done');
  } finally {
    await bare.close();
  }
});
