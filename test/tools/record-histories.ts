/**
 * Records workflow histories for the replay test (test/replay.test.ts), one per path through
 * the workflow. Run it when the workflow changes on purpose (`npm run record-histories -- <label>`)
 * and commit the new files beside the old ones: old histories stay, so sleeping runs stay safe
 * (before the first release no run sleeps on older code, so until then old files are replaced instead).
 *
 * It borrows the test suite's setup: its own Temporal dev server and Postgres, then the stack.
 * The files hold payloads as Temporal stores them, encrypted with the stack's fixed test keys
 * (TEST_PAYLOAD_KEYS), so they carry no personal data in clear; the replay decodes them.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { projectRoot } from '../../src/dev/project-root';
import { temporalBinary } from '../../src/dev/temporal-server';
import { suiteEnv } from '../helpers/env';
import { listReferees } from '../../src/db/referees';
import { setAttachReportPdf } from '../../src/db/report-pdfs';
import { insertTemplate } from '../../src/db/templates';
import { defaultTemplateSettings } from '../../src/templates/surveys';
import { refereeWorkflowId } from '../../workflows/definitions';
import { answerAs, giveReferences, handleFor, newcomerOf, replaceReferee, startCheck, until, waitForStatus } from '../helpers/journey';
import { candidateEmail, TRIGGER_STAGE } from '../helpers/stack';
import { runWithStack } from './with-stack';

const OUT = join(projectRoot(), 'test', 'fixtures', 'histories');
const stamp = new Date().toISOString().slice(0, 10);
/** What changed in the workflow, for the file names: `npm run record-histories -- v3-something`. */
const label = process.argv[2] ?? 'current';

runWithStack({ hireConfirmationDelaySeconds: 2, ownerAnswerTimeoutSeconds: 2 }, async (stack) => {
  const save = async (name: string, opp: string, workflowId = handleFor(stack, opp).workflowId) => {
    // The CLI writes the same JSON the Temporal UI downloads, which is what replay reads.
    const json = execFileSync(temporalBinary(projectRoot()), ['workflow', 'show', '--address', suiteEnv().temporalAddress,
      '--workflow-id', workflowId, '--output', 'json'], { encoding: 'utf8' });
    writeFileSync(join(OUT, `${stamp}-${label}-${name}.json`), json);
    console.log(`recorded ${name}`);
  };
  // Hired by Lever's webhook.
  let opp = stack.seedCandidate('opp-rec-hired');
  let run = await startCheck(stack, opp);
  await giveReferences(stack, opp);
  await waitForStatus(run.handle, (s) => s.step === 'awaiting-hire-outcome');
  stack.fake.archive(opp, 'reason-hired'); // Lever's webhook is a hint: the run confirms it in Lever
  await stack.deliver('candidateHired', { opportunityId: opp });
  await run.handle.result();
  await save('hired-by-lever', opp);
  const [referee] = await listReferees(stack.db, run.requestId);
  await save('referee-answered', opp, refereeWorkflowId(referee.id));

  // The owner was asked and never answered.
  opp = stack.seedCandidate('opp-rec-unconfirmed');
  run = await startCheck(stack, opp);
  await giveReferences(stack, opp);
  await run.handle.result();
  await save('owner-silent', opp);

  // Archived in Lever while the referees were being asked.
  opp = stack.seedCandidate('opp-rec-archived');
  run = await startCheck(stack, opp);
  await giveReferences(stack, opp, { answer: 1 });
  stack.fake.archive(opp, 'reason-withdrew');
  await stack.deliver('candidateArchiveChange', { opportunityId: opp, fromArchived: null, toArchived: { archivedAt: Date.now(), reason: 'reason-withdrew' } });
  await run.handle.result();
  await save('archived-mid-check', opp);

  // Cancelled in the console mid-check, after the candidate's and one referee's invitations were resent.
  opp = stack.seedCandidate('opp-rec-console-cancelled');
  run = await startCheck(stack, opp);
  await stack.checks.resendCandidateInvitation(run.handle.workflowId);
  await until('the resent invitation', () => stack.catcher.messages.filter((m) => m.to.includes(candidateEmail(opp))).length === 2);
  await giveReferences(stack, opp, { answer: 0 });
  const [waiting] = await listReferees(stack.db, run.requestId);
  const invited = () => stack.catcher.messages.filter((m) => m.to.includes(waiting.email)).length;
  await until('the referee invited', () => invited() === 1);
  await stack.checks.resendRefereeInvitation(waiting.id);
  await until('the referee invited again', () => invited() === 2);
  await stack.checks.cancel(stack.connectionId, opp, 'acc_recorder');
  await run.handle.result();
  await save('console-cancelled', opp);
  await save('referee-resent-withdrawn', opp, refereeWorkflowId(waiting.id));

  // Stale trigger.
  opp = stack.seedCandidate('opp-rec-stale');
  stack.fake.setStage(opp, 'stage-offer');
  await stack.deliver('candidateStageChange', { opportunityId: opp, toStageId: TRIGGER_STAGE });
  await handleFor(stack, opp).result();
  await save('stale-trigger', opp);

  // A silent referee replaced by the candidate (a template chosen by tag, replaceable after a second); the newcomer answers.
  await insertTemplate(stack.db, stack.connectionId, {
    id: 'tpl-rec-replacing', name: 'Replacing', atsTag: 'replacing', isDefault: false, settings: defaultTemplateSettings({ replaceAfterSeconds: 1 }),
  });
  opp = stack.seedCandidate('opp-rec-replaced', ['replacing']);
  run = await startCheck(stack, opp);
  await giveReferences(stack, opp, { answer: 1 });
  const [, silent] = await listReferees(stack.db, run.requestId);
  await until('the silent referee invited', () => stack.catcher.messages.some((m) => m.to.includes(silent.email)));
  await replaceReferee(stack, opp, silent.id);
  await answerAs(stack, newcomerOf(opp), { ip: '203.0.113.40', userAgent: 'NewcomerBrowser/1' });
  await run.handle.result();
  await save('referee-replaced', opp);

  // Texts on (a template chosen by tag), reminders texted, and the report attached as a PDF.
  await insertTemplate(stack.db, stack.connectionId, {
    id: 'tpl-rec-texting', name: 'Texting', atsTag: 'texting', isDefault: false,
    settings: defaultTemplateSettings({ sms: { enabled: true, defaultCountry: 'US' }, reminders: { intervalSeconds: 1, maxCount: 1, quietHours: null } }),
  });
  await setAttachReportPdf(stack.db, stack.organisationId, stack.connectionId, true);
  opp = stack.seedCandidate('opp-rec-texting', ['texting']);
  stack.fake.store.opportunity(opp).phones = [{ value: '+1 415 555 2671', type: 'mobile' }];
  run = await startCheck(stack, opp);
  await until('the candidate texted', () => stack.sms.texts.some((t) => t.to === '+14155552671'));
  await giveReferences(stack, opp);
  await waitForStatus(run.handle, (s) => s.step === 'awaiting-hire-outcome' || s.step === 'awaiting-owner-answer', 60_000);
  await stack.deliver('candidateHired', { opportunityId: opp });
  await run.handle.result();
  await save('texts-and-pdf', opp);
});
