import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { setupLinkIfNeeded } from '../console/account-links';
import { hashPassword } from '../console/passwords';
import { insertAccount, insertOrganisation } from '../db/accounts';
import type { Db } from '../db/pool';

const EVENTS = ['candidateStageChange', 'candidateHired', 'candidateArchiveChange', 'candidateDeleted'] as const;

/**
 * The admin's half of the demo, in the console as a person would do it: the first admin from the
 * setup link (or, on later runs, the demo's own admin, whose password is kept in
 * .data/local/demo-admin.json), then a Lever connection checked against the fake Lever, the
 * trigger stage from its list, each webhook URL pasted into the fake Lever's settings with its
 * token brought back, Lever's Verify on each, and a short hire delay. Returns the connection id.
 */
export async function setUpInConsole(browser: Browser, o: {
  db: Db; apiUrl: string; fakeLever: string; apiKey: string; triggerStageId: string; credentialsFile: string; hireDelaySeconds: number; say: (l: string) => void;
}): Promise<string> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const setupLink = await setupLinkIfNeeded(o.db, o.apiUrl);
  if (setupLink) {
    const credentials = { email: 'admin@demo.test', password: randomBytes(12).toString('base64url') };
    await page.goto(setupLink);
    await page.fill('[name=organisation]', 'Demo Co');
    await page.fill('[name=name]', 'Dana Admin');
    await page.fill('[name=email]', credentials.email);
    await page.fill('[name=password]', credentials.password);
    await page.fill('[name=confirm]', credentials.password);
    await page.click('text=Create the organisation');
    await page.waitForURL('**/console/connections');
    writeFileSync(o.credentialsFile, JSON.stringify(credentials, null, 2), { mode: 0o600 });
    o.say(`the first admin opened the setup link and made the organisation "Demo Co" (sign-in kept in ${o.credentialsFile})`);
  } else {
    const credentials = await demoCredentials(o.db, o.credentialsFile);
    await page.goto(`${o.apiUrl}/console/login`);
    await page.fill('[name=email]', credentials.email);
    await page.fill('[name=password]', credentials.password);
    await page.click('button:has-text("Sign in")');
    await page.waitForURL('**/console/checks');
    o.say(`the demo admin signed in to the console (${credentials.email})`);
  }

  await page.goto(`${o.apiUrl}/console/connections/new`);
  await page.fill('[name=name]', 'Demo Co');
  await page.selectOption('[name=environment]', 'url');
  await page.fill('[name=url]', `${o.fakeLever}/v1`);
  await page.fill('[name=apiKey]', o.apiKey);
  await page.click('text=Check the key with Lever and save');
  await page.waitForURL(/\/console\/connections\/c_/);
  const connectionId = page.url().split('/').pop()!;
  await page.selectOption('#f-stage', o.triggerStageId);
  await page.click('text=Save the stage');
  o.say(`connection ${connectionId}: Lever accepted the key; trigger stage "${o.triggerStageId}" picked from Lever's stages`);

  const lever = await context.newPage();
  await lever.goto(`${o.fakeLever}/_fake/settings/webhooks`);
  for (const event of EVENTS) {
    await lever.fill(`#url-${event}`, (await page.textContent(`#url-${event}`))!.trim());
    await lever.click(`#${event} >> text=Save`);
    await page.fill(`[name=${event}]`, (await lever.textContent(`#token-${event}`))!.trim());
  }
  await page.click('text=Save the tokens');
  const verified: string[] = [];
  for (const event of EVENTS) {
    await lever.click(`#${event} >> text=Verify`);
    verified.push(`${event} ${/HTTP \d+/.exec((await lever.textContent(`#verify-${event}`)) ?? '')?.[0] ?? '?'}`);
  }
  o.say(`the four webhook URLs are in Lever's settings with their tokens; Lever's Verify: ${verified.join(', ')}`);
  await page.fill('[name=delayDays]', String(o.hireDelaySeconds / 86_400));
  await page.click('text=Save the hire settings');

  // The connection's default template also texts its invitations (to the SMS catcher), day or night.
  await page.goto(`${o.apiUrl}/console/templates?connection=${connectionId}`);
  await page.click('td[data-label=Name] a');
  await page.check('[name=sms_on]');
  await page.fill('[name=sms_defaultCountry]', 'US');
  await page.uncheck('[name=quiet_on]');
  await page.click('text=Save the template');
  o.say('the default template now texts invitations and reminders too (quiet hours off for the demo)');
  await context.close();
  return connectionId;
}

/** The demo admin's sign-in from an earlier run, or a new demo organisation and admin when a person set the console up. */
async function demoCredentials(db: Db, file: string): Promise<{ email: string; password: string }> {
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as { email: string; password: string };
  const suffix = randomBytes(4).toString('hex');
  const credentials = { email: `demo.${suffix}@demo.test`, password: randomBytes(12).toString('base64url') };
  const organisationId = `o_demo_${suffix}`;
  await insertOrganisation(db, { id: organisationId, name: 'Demo Co' });
  await insertAccount(db, { id: `a_demo_${suffix}`, organisationId, email: credentials.email, name: 'Dana Admin', role: 'admin', passwordHash: await hashPassword(credentials.password) });
  writeFileSync(file, JSON.stringify(credentials, null, 2), { mode: 0o600 });
  return credentials;
}
