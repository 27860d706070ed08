import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { toEnv } from '../src/config';
import { projectRoot } from '../src/dev/project-root';
import { listTemplates } from '../src/db/templates';
import { startStack, type Stack } from './helpers/stack';

/**
 * `npm run connection:create`, as an admin runs it: the key from a file, the URLs to paste into
 * Lever printed per event, secrets sealed at rest, a default template ready.
 */
const run = promisify(execFile);
let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ worker: false });
});
afterAll(() => stack.close());

test('when an admin creates a connection, then it prints one webhook URL per event and stores the key and tokens encrypted', async () => {
  const keyFile = join(mkdtempSync(join(tmpdir(), 'refcheck-')), 'key.txt');
  writeFileSync(keyFile, 'lever-secret-api-key-0123456789\n');
  const { stdout } = await run(process.execPath, [
    join(projectRoot(), 'dist', 'src', 'cli', 'create-connection.js'),
    '--name', 'Globex', '--trigger-stage', 'stage-refcheck', '--api-key-file', keyFile, '--lever', 'sandbox',
    '--stage-change-token', 'stage-token-abcdefgh', '--hired-token', 'hired-token-abcdefgh', '--deleted-token', 'deleted-token-abcdefgh',
  ], { env: { PATH: process.env.PATH, ...toEnv(stack.config) } });

  const id = /Connection (c_[0-9a-f]+) created/.exec(stdout)?.[1];
  expect(id).toBeDefined();
  for (const event of ['candidateStageChange', 'candidateHired', 'candidateDeleted']) {
    expect(stdout).toContain(`${stack.config.PUBLIC_URL}/webhooks/lever/${id}/${event}`);
  }
  expect(stdout).not.toContain('candidateArchiveChange');

  const [row] = await stack.db.query<Record<string, string>>('select * from lever_connections where id = $1', [id]);
  expect(row).toMatchObject({ name: 'Globex', lever_base_url: 'https://api.sandbox.lever.co/v1', trigger_stage_id: 'stage-refcheck' });
  const tokens = await stack.db.query<{ token_sealed: string }>('select token_sealed from lever_webhook_tokens where connection_id = $1', [id]);
  const stored = JSON.stringify([row, tokens]);
  for (const secret of ['lever-secret-api-key', 'stage-token-abcdefgh', 'hired-token-abcdefgh']) expect(stored).not.toContain(secret);
  expect(tokens).toHaveLength(3);

  expect(await listTemplates(stack.db, id!)).toEqual([expect.objectContaining({ isDefault: true })]);
});

test('when a required option is missing, then it prints its usage and stores nothing', async () => {
  // Other test files make connections at the same time: count only the one this command would have made.
  const initech = () => stack.db.query("select id from lever_connections where name = 'Initech'");
  const before = await initech();
  const failed = await run(process.execPath, [join(projectRoot(), 'dist', 'src', 'cli', 'create-connection.js'), '--name', 'Initech'], { env: { PATH: process.env.PATH, ...toEnv(stack.config) } }).catch((e: { code: number; stderr: string }) => e);
  expect(failed).toMatchObject({ code: 64, stderr: expect.stringContaining('usage: npm run connection:create') });
  expect(await initech()).toHaveLength(before.length);
});
