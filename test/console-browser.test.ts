import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { setupLinkIfNeeded } from '../src/console/account-links';
import { ARTIFACTS, launchChromium } from './helpers/browser';
import { giveReferences, until } from './helpers/journey';
import { API_KEY, candidateEmail, startStack, TRIGGER_STAGE, type Stack } from './helpers/stack';

/**
 * A new customer in a real Chromium, from an empty database: the first admin opens the setup
 * link, connects Lever (a wrong key first), picks the trigger stage from Lever's list, pastes each
 * webhook URL into Lever's settings and presses Verify there, makes a template with an ATS tag,
 * moves a candidate in Lever, follows the check on the checks page and marks the hire, which
 * reaches Lever as a note and a tag; a referee who opted in is exported to Lever once. Each console page is photographed at desktop and phone widths
 * into test-artifacts/console (`npm run screenshots` copies them into docs/screenshots).
 */
const SHOTS = join(ARTIFACTS, 'console');
let stack: Stack;
let browser: Browser;
let context: BrowserContext;
beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  [stack, browser] = await Promise.all([startStack({ freshDatabase: true }), launchChromium()]);
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: stack.apiUrl });
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

/** The page as it is, at desktop width and then on a phone. */
async function photograph(page: Page, name: string) {
  await page.screenshot({ path: join(SHOTS, `${name}-desktop.png`), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: join(SHOTS, `${name}-phone.png`), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 900 });
}

const EVENTS = ['candidateStageChange', 'candidateHired', 'candidateArchiveChange', 'candidateDeleted'] as const;

test('a new admin sets up Lever, a template and a first check in the browser, and marks the hire', async () => {
  const page = await context.newPage();

  // 1. The one-time setup link `npm start` prints.
  const link = (await setupLinkIfNeeded(stack.db, stack.apiUrl))!;
  expect(link).toMatch(/\/console\/setup\//);
  await page.goto(link);
  await page.click('text=Create the organisation');
  await expect(page.locator('#f-organisation-error').textContent()).resolves.toContain('Name your organisation');
  await photograph(page, 'setup-errors');
  await page.fill('[name=organisation]', 'Acme Rockets');
  await page.fill('[name=name]', 'Grace Admin');
  await page.fill('[name=email]', 'grace@acme-rockets.test');
  await page.fill('[name=password]', 'a long enough password');
  await page.fill('[name=confirm]', 'a long enough password');
  await page.click('text=Create the organisation');
  await page.waitForURL('**/console/connections');
  // The link is spent.
  expect((await fetch(link)).status).toBe(410);

  // 2. Connect Lever: a wrong key is refused with Lever's own words, the right one is kept.
  await page.click('text=Connect a Lever account');
  await page.fill('[name=name]', 'Acme Rockets');
  await page.selectOption('[name=environment]', 'url');
  await page.fill('[name=url]', stack.fake.url);
  await page.fill('[name=apiKey]', 'a-wrong-key');
  await page.click('text=Check the key with Lever and save');
  await expect(page.locator('#f-apiKey-error').textContent()).resolves.toContain('Lever refused this API key. Lever said: "Invalid API key"');
  await photograph(page, 'connection-new-error');
  await page.fill('[name=apiKey]', API_KEY);
  await page.click('text=Check the key with Lever and save');
  await page.waitForURL(/\/console\/connections\/c_/);
  const connectionUrl = page.url();

  // 3. The trigger stage comes from Lever's own list.
  const options = await page.locator('#f-stage option').allTextContents();
  expect(options).toEqual(expect.arrayContaining(['New applicant', 'Reference check', 'Offer']));
  await page.selectOption('#f-stage', TRIGGER_STAGE);
  await page.click('text=Save the stage');
  await expect(page.locator('.flash').textContent()).resolves.toContain('"Reference check"');

  // 4. Each URL into Lever's webhook settings; Lever shows a token; the token back into refcheck.
  const lever = await context.newPage();
  await lever.goto(`${stack.fake.origin}/_fake/settings/webhooks`);
  for (const event of EVENTS) {
    await page.click(`[data-copy="#url-${event}"]`);
    const copied = await page.evaluate<string>('navigator.clipboard.readText()');
    expect(copied).toBe(`${stack.apiUrl}/webhooks/lever/${connectionUrl.split('/').pop()}/${event}`);
    await lever.fill(`#url-${event}`, copied);
    await lever.click(`#${event} >> text=Save`);
    await page.fill(`[name=${event}]`, (await lever.textContent(`#token-${event}`))!.trim());
  }
  await page.click('text=Save the tokens');
  await expect(page.locator('.flash').textContent()).resolves.toContain('4 webhook(s)');
  // Lever's "Verify the connection" on every URL: each answers 200.
  for (const event of EVENTS) {
    await lever.click(`#${event} >> text=Verify`);
    await expect(lever.locator(`#verify-${event}`).textContent()).resolves.toContain('HTTP 200');
  }
  await page.reload();
  await expect(page.locator('text=/seen \\d{4}/').count()).resolves.toBe(4);
  await photograph(page, 'connection');

  // 5. A template chosen by an ATS tag on the posting.
  await page.goto(`${stack.apiUrl}/console/templates`);
  await page.click('text=New template');
  await page.fill('[name=name]', 'Engineering references');
  await page.fill('[name=atsTag]', 'Refcheck-Eng');
  await page.selectOption('[name=startFrom]', 'general');
  await photograph(page, 'template-form');
  await page.click('text=Create the template');
  await page.waitForURL(/\/console\/templates(\?|$)/);
  await expect(page.textContent('main')).resolves.toContain('refcheck-eng');
  await photograph(page, 'templates');

  // 6. A recruiter moves a candidate in Lever; the check appears and progresses.
  const opp = 'opp-console-browser';
  stack.fake.addUser({ id: 'user-owner', name: 'Grace Hopper', email: 'grace@acme.test' });
  stack.fake.addPosting({ id: 'post-eng', text: 'Rocket Engineer', tags: ['refcheck-eng'], owner: 'user-owner' });
  stack.fake.addOpportunity({ id: opp, name: 'Ada Lovelace', emails: [candidateEmail(opp)], stage: 'stage-new', owner: 'user-owner', postingId: 'post-eng' });
  const moved = await fetch(`${stack.fake.origin}/_fake/opportunities/${opp}/stage`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ stage: TRIGGER_STAGE }) });
  expect(moved.status).toBe(200);
  expect(JSON.stringify(await moved.json())).toContain('"status":202');
  await page.goto(`${stack.apiUrl}/console/checks`);
  await until('the check on the checks page', async () => {
    await page.reload();
    const row = page.locator(`[data-opportunity="${opp}"] .step`);
    return (await row.count()) > 0 && (await row.textContent())?.includes('Waiting for the candidate');
  });
  await expect(page.textContent(`[data-opportunity="${opp}"]`)).resolves.toContain('Engineering references');
  await photograph(page, 'checks');
  const [charles] = await giveReferences(stack, opp, { optIn: true });
  await page.click(`[data-opportunity="${opp}"] >> text=Ada Lovelace`);
  await until('the report to be published', async () => {
    await page.reload();
    return (await page.textContent('#step'))?.includes('waiting for the hire outcome');
  });
  await photograph(page, 'check');

  // 7. The hire, marked in the console, reaches Lever as a note and a tag.
  await page.click('text=Mark hired');
  await photograph(page, 'check-confirm');
  await page.click('button:has-text("Mark hired")');
  await until('the hire in Lever', () => stack.fake.tags(opp).includes('refcheck: hired') && stack.fake.notes(opp).some((n) => n.value.startsWith('Hire confirmed')));
  await until('the check to show the hire', async () => {
    await page.reload();
    return (await page.textContent('#step'))?.includes('Done: hired');
  });

  // 8. The rest of the console, for the record.
  await page.goto(`${stack.apiUrl}/console/team`);
  await photograph(page, 'team');
  // 9. Charles ticked "hear about jobs": a prospect, exported to Lever once, as the user picked from Lever's list.
  await page.goto(`${stack.apiUrl}/console/prospects`);
  await expect(page.textContent('main')).resolves.toContain(charles.email);
  await page.selectOption('[name=performAs]', 'user-owner');
  await page.click('text=Save the prospect settings');
  await page.click('text=Export all prospects to Lever…');
  await page.click('button:has-text("Export 1 prospect(s)")');
  await until('the prospect exported', async () => {
    // The export form's own navigation may still be under way: a load that meets it is tried again.
    const loaded = await page.goto(`${stack.apiUrl}/console/prospects`).then(() => true, () => false);
    return loaded && (await page.textContent('main'))?.includes('exported 1 of 1');
  });
  const leads = [...stack.fake.store.opportunities.values()].filter((o) => o.emails.includes(charles.email));
  expect(leads).toHaveLength(1);
  expect(leads[0].tags).toContain('refcheck prospect');
  await photograph(page, 'prospects');
  await context.clearCookies();
  await page.goto(`${stack.apiUrl}/console/login`);
  await photograph(page, 'login');
});
