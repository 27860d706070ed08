import { join } from 'node:path';
import { loadLocalEnv } from '../config';
import { createDb } from '../db/pool';
import { localConfig, startLocalStack, DEMO_API_KEY, type LocalStack } from '../dev/stack';
import { answerSurvey, nominate, openBrowser, person } from '../dev/demo-browser';
import { leverState, linkIn, mails, post, texts, waitFor } from '../dev/demo-helpers';
import { DEMO } from '../fake-lever/demo-seed';
import { setUpInConsole } from '../dev/demo-console';
import { projectRoot } from '../dev/project-root';
import { referenceCheckWorkflowId } from '../../workflows/definitions';
import { connectTemporalClient } from '../temporal';

/**
 * `npm run demo`: one candidate's whole journey against the local stack (started here if it is
 * not running), in about a minute, through the same doors a real deployment uses: the console
 * (set up in Chromium), Lever's signed webhooks (sent by the fake Lever), mail over SMTP, the
 * candidate's and referees' pages, the owner's link.
 */
const t0 = Date.now();
const say = (line: string) => process.stdout.write(`[${((Date.now() - t0) / 1000).toFixed(1).padStart(5)}s] ${line}\n`);
const HIRE_DELAY_SECONDS = 10;
/** A six-question survey answered in under 48 s is flagged as implausibly fast: the demo's referees take their time. */
const READING_SECONDS = 50;

async function main() {
  const local = loadLocalEnv();
  const apiUrl = `http://127.0.0.1:${local.PORT}`;
  let started: LocalStack | undefined;
  if (!(await fetch(`${apiUrl}/readyz`).then((r) => r.ok, () => false))) {
    say('refcheck is not running: starting the local stack for this demo');
    started = await startLocalStack((l) => say(`  ${l}`));
  }
  const config = started?.config ?? localConfig();
  const fakeLever = `http://127.0.0.1:${local.LOCAL_FAKE_LEVER_PORT}`;
  const mailWeb = `http://127.0.0.1:${local.LOCAL_MAIL_WEB_PORT}`;
  const smsWeb = `http://127.0.0.1:${local.LOCAL_SMS_PORT}`;
  const db = createDb(config.DATABASE_URL, 1);
  const { client, connection: temporal } = await connectTemporalClient(config);
  try {
    // 1. The admin sets refcheck up in the console: the connection, its stage, the URLs into Lever's settings, Verify.
    const browser = await openBrowser(local.CHROMIUM_PATH);
    const connectionId = await setUpInConsole(browser, {
      db, apiUrl, fakeLever, apiKey: DEMO_API_KEY, triggerStageId: DEMO.triggerStageId, hireDelaySeconds: HIRE_DELAY_SECONDS, say,
      credentialsFile: join(projectRoot(), '.data', 'local', 'demo-admin.json'),
    });

    const before = { leverCalls: (await leverState(fakeLever)).apiRequests, mails: (await mails(mailWeb)).length, texts: (await texts(smsWeb)).length };

    // 2. A recruiter moves a new candidate into the reference-check stage; Lever sends the webhook.
    const opportunityId = `opp-demo-${Date.now().toString(36)}`;
    const email = `ada.${opportunityId}@example.com`;
    await post(`${fakeLever}/_fake/opportunities`, { id: opportunityId, name: 'Ada Lovelace', emails: [email], phones: [{ value: '+1 415 555 2671', type: 'mobile' }], stage: 'stage-new', owner: DEMO.userId, postingId: DEMO.postingId });
    const moved = await post(`${fakeLever}/_fake/opportunities/${opportunityId}/stage`, { stage: DEMO.triggerStageId });
    say(`Ada Lovelace moved to "Reference check" in Lever; webhook answered ${JSON.stringify(moved.data.deliveries.map((d: { status: number }) => d.status))}`);

    // 3. refcheck confirms the stage with Lever, opens the request and mails the candidate.
    const invitation = await waitFor('the invitation mail', async () => (await mails(mailWeb)).find((m) => m.to.includes(email)));
    say(`the candidate got "${invitation.subject}" (read it at ${mailWeb}/messages/${invitation.id})`);
    const handle = client.workflow.getHandle(referenceCheckWorkflowId(connectionId, opportunityId));

    // 4. On her phone, the candidate consents and names a manager and a peer.
    try {
      const nominees = [
        { name: 'Charles Babbage', email: `charles.${opportunityId}@example.com`, relationship: 'manager', title: 'Director', phone: '(415) 555-0100' },
        { name: 'Mary Somerville', email: `mary.${opportunityId}@example.com`, relationship: 'peer', title: 'Mathematician' },
      ];
      await nominate(await person(browser, '198.51.100.7', 'Mozilla/5.0 (iPhone) AdaSafari'), linkIn(invitation.text, 'candidate')!, nominees);
      say(`Ada named ${nominees.map((n) => n.name).join(' and ')} on her page`);

      // 5. Each referee gets a mail, opens the survey, reads it (half a minute), answers.
      const pages = await Promise.all(nominees.map(async (n, i) => {
        const mail = await waitFor(`the mail to ${n.name}`, async () => (await mails(mailWeb)).find((m) => m.to.includes(n.email)));
        const page = await person(browser, `203.0.113.${10 + i}`, `Mozilla/5.0 Referee${i}`);
        await page.goto(linkIn(mail.text, 'referee')!);
        return page;
      }));
      say(`both referees got their invitation and opened the survey; they take ${READING_SECONDS}s to read and answer ...`);
      await new Promise((r) => setTimeout(r, READING_SECONDS * 1000));
      await answerSurvey(pages[0], ['5', '5', '4'], 'The finest analyst I worked with.');
      await answerSurvey(pages[1], ['4', '5', '4'], 'Rigorous and generous.');
      say('both referees answered');
    } finally {
      await browser.close();
    }

    // 6. The report link and the summary note land in Lever, once each.
    const opportunity = await waitFor('the note in Lever', async () => (await leverState(fakeLever)).opportunities.find((o) => o.id === opportunityId && o.notes.length > 0));
    const report = opportunity.links[0];
    say(`Lever got the note: "${opportunity.notes[0].value.split('\n')[0]}"`);

    // 7. Lever never says "hired", so after the delay the owner is asked by mail and clicks "yes".
    say(`waiting ${HIRE_DELAY_SECONDS}s (the hire-confirmation delay, 14 days in production) ...`);
    const ask = await waitFor('the owner mail', async () => (await mails(mailWeb)).find((m) => m.to.includes('grace@example.com') && m.subject.startsWith('Was Ada') && m.id > invitation.id), 60_000);
    const yes = /Yes, hired:\s+(\S+)/.exec(ask.text)![1];
    say(`the owner got "${ask.subject}" and clicks "yes" (HTTP ${(await fetch(yes)).status}, then confirms: HTTP ${(await fetch(yes, { method: 'POST' })).status})`);
    const result = await handle.result();
    say(`the run finished: ${JSON.stringify({ outcome: result.outcome, hireSource: result.hireSource, responses: `${result.responsesReceived} of ${result.requiredReferences}` })}`);
    const after = { leverCalls: (await leverState(fakeLever)).apiRequests, mails: (await mails(mailWeb)).length, texts: (await texts(smsWeb)).length };
    say(`this candidate's check cost ${after.leverCalls - before.leverCalls} Lever API calls, ${after.mails - before.mails} mails and ${after.texts - before.texts} texts (to Ada's phone in Lever and the one she gave for Charles)`);

    process.stdout.write(`
Where to look:
  the run in the Temporal UI   ${started?.urls.temporalUi ?? `http://localhost:${local.LOCAL_TEMPORAL_UI_PORT}`}/namespaces/default/workflows/${encodeURIComponent(handle.workflowId)}
  find it from the CLI          temporal workflow list --query "RefcheckOpportunityId = '${opportunityId}'"
  the mails                     ${mailWeb}
  the texts                     ${smsWeb}
  the note and link in Lever    ${fakeLever}/
  the report                    ${report}
`);
  } finally {
    await temporal.close();
    await db.close();
    if (started) {
      if (process.stdin.isTTY) {
        process.stdout.write('\nThe stack keeps running so you can look around; press Ctrl-C to stop it.\n');
        await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
      }
      await started.stop();
    }
  }
}

main().then(() => process.exit(0), (err: Error) => {
  process.stderr.write(`demo failed: ${err.message}\n`);
  process.exit(1);
});
