import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createConnection, LEVER_HOSTS } from '../connections/create';
import { cliConfig } from './config';
import { createDb } from '../db/pool';
import { migrate } from '../db/migrate';
import { SecretBox } from '../secrets';

const USAGE = `usage: npm run connection:create -- --name "Acme" --trigger-stage <stageId> --api-key-file <file>
         --stage-change-token <token> [--hired-token <token>] [--archive-token <token>] [--deleted-token <token>]
         [--lever production|sandbox|<url>]
         [--hire-delay-days 14] [--archive-as-hired] [--references 2] [--deadline-days 14]

Creates a Lever connection and prints the webhook URLs to paste into Lever
(Settings > Integrations and API > Webhooks): one URL per event, each with the signing
token Lever shows beside it. The API key is read from a file (or - for stdin) so it
stays out of shell history; it and the tokens are stored encrypted.`;

async function main() {
  const { values } = parseArgs({
    options: {
      name: { type: 'string' }, lever: { type: 'string', default: 'production' }, 'api-key-file': { type: 'string' },
      'trigger-stage': { type: 'string' }, 'stage-change-token': { type: 'string' }, 'hired-token': { type: 'string' }, 'archive-token': { type: 'string' }, 'deleted-token': { type: 'string' },
      'hire-delay-days': { type: 'string', default: '14' }, 'archive-as-hired': { type: 'boolean', default: false },
      references: { type: 'string', default: '2' }, 'deadline-days': { type: 'string', default: '14' }, help: { type: 'boolean' },
    },
  });
  if (values.help || !values.name || !values['trigger-stage'] || !values['api-key-file'] || !values['stage-change-token']) {
    process.stderr.write(`${USAGE}\n`);
    process.exit(values.help ? 0 : 64);
  }
  const config = cliConfig();
  const apiKey = readFileSync(values['api-key-file'] === '-' ? 0 : values['api-key-file'], 'utf8').trim();
  const lever = values.lever as string;
  const db = createDb(config.DATABASE_URL, 1);
  try {
    await migrate(db);
    const days = (v: string | undefined) => Math.round(Number(v) * 86_400);
    const { id, webhookUrls } = await createConnection(db, new SecretBox(config.REFCHECK_ENCRYPTION_KEY), config.PUBLIC_URL, {
      name: values.name,
      leverBaseUrl: lever in LEVER_HOSTS ? LEVER_HOSTS[lever as keyof typeof LEVER_HOSTS] : lever,
      apiKey,
      triggerStageId: values['trigger-stage'],
      signingTokens: {
        candidateStageChange: values['stage-change-token'],
        ...(values['hired-token'] ? { candidateHired: values['hired-token'] } : {}),
        ...(values['archive-token'] ? { candidateArchiveChange: values['archive-token'] } : {}),
        ...(values['deleted-token'] ? { candidateDeleted: values['deleted-token'] } : {}),
      },
      hireConfirmationDelaySeconds: days(values['hire-delay-days']),
      hireSync: values['archive-as-hired'] ? 'archive-as-hired' : 'note-and-tag',
      defaultTemplate: { name: 'Standard reference check', requiredReferences: Number(values.references), deadlineSeconds: days(values['deadline-days']) },
    });
    process.stdout.write(`Connection ${id} created for "${values.name}".\n\nPaste these into Lever, each beside its own event:\n`);
    for (const [event, url] of Object.entries(webhookUrls)) process.stdout.write(`  ${event.padEnd(22)} ${url}\n`);
    if (!values['hired-token']) process.stdout.write(`\nNo --hired-token given: add a Candidate Hired webhook later so hires end checks at once.\n`);
  } finally {
    await db.close();
  }
}

void main();
