import { createConnection } from '../src/connections/create';
import { consoleUser, textOf, type ConsoleUser } from './helpers/console';
import { API_KEY, startStack, type Stack } from './helpers/stack';

/**
 * A connection's Lever API key goes with every call to its base URL: only over https, except to
 * this machine (a test Lever on loopback). Both ways a connection is made: the console and the CLI.
 */
let stack: Stack;
let admin: ConsoleUser;
beforeAll(async () => {
  stack = await startStack({ worker: false });
  admin = await consoleUser(stack, 'admin');
});
afterAll(() => stack.close());

const connectionCount = async () => Number((await stack.db.query<{ n: string }>('select count(*) as n from lever_connections'))[0].n);

test('when an admin gives a plain-http Lever URL that is not this machine, then 422 says https, and no connection is made', async () => {
  await admin.get('/console/connections/new');
  const before = await connectionCount();
  for (const url of ['http://api.lever.co/v1', 'http://10.0.0.7:8080/v1', 'http://127.0.0.1.nip.io/v1']) {
    const res = await admin.post('/console/connections', { name: 'Plain', environment: 'url', url, apiKey: API_KEY });
    expect(res.status).toBe(422);
    expect(textOf(res.html)).toContain('starting with https:// (http:// only on this machine');
  }
  expect(await connectionCount()).toBe(before);

  // A test Lever on loopback is this machine.
  const local = await admin.post('/console/connections', { name: 'Local test Lever', environment: 'url', url: stack.fake.url, apiKey: API_KEY });
  expect(local.status).toBe(303);
});

test('when the CLI is given a plain-http Lever URL, then it refuses before storing anything', async () => {
  const before = await connectionCount();
  await expect(createConnection(stack.db, stack.box, 'https://refcheck.test', {
    name: 'Plain', leverBaseUrl: 'http://api.lever.co/v1', apiKey: 'k', triggerStageId: 's', signingTokens: {},
  })).rejects.toThrow(/--lever: .*https:\/\//);
  expect(await connectionCount()).toBe(before);
});
