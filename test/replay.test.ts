import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { temporalDataConverter } from '../src/temporal';
import { suiteEnv } from './helpers/env';
import { TEST_PAYLOAD_KEYS } from './helpers/stack';

/**
 * Runs asleep for weeks will wake up on whatever code is deployed then. Every recorded history
 * (test/fixtures/histories, made by `npm run record-histories`) must replay on today's workflow
 * code; a change that breaks one fails here, before it ships. The recorder's histories are
 * encrypted with the test stack's fixed keys, so the replay decodes them with the same codec.
 */
const HISTORIES = join(__dirname, 'fixtures', 'histories');
const files = readdirSync(HISTORIES).filter((f) => f.endsWith('.json')).sort();
const dataConverter = temporalDataConverter({ TEMPORAL_PAYLOAD_KEYS: TEST_PAYLOAD_KEYS });

beforeAll(() => {
  try {
    Runtime.install({ logger: new DefaultLogger('ERROR') });
  } catch {
    // installed already in this jest worker
  }
});

test('there are recorded histories to replay', () => {
  expect(files.length).toBeGreaterThanOrEqual(3);
});

test.each(files)('the current workflow code replays %s', async (file) => {
  const history = JSON.parse(readFileSync(join(HISTORIES, file), 'utf8'));
  await expect(Worker.runReplayHistory({ workflowBundle: { codePath: suiteEnv().bundlePath }, dataConverter }, history, file)).resolves.toBeUndefined();
});

test('an incompatible change to the workflow fails the replay', async () => {
  const changed = await bundleWorkflowCode({ workflowsPath: require.resolve('./fixtures/changed-workflow'), logger: new DefaultLogger('ERROR') });
  const history = JSON.parse(readFileSync(join(HISTORIES, files.find((f) => f.includes('hired-by-lever'))!), 'utf8'));
  await expect(Worker.runReplayHistory({ workflowBundle: changed, dataConverter }, history)).rejects.toThrow(/[Nn]ondetermin/);
});
