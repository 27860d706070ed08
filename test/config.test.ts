import { ConfigError, loadConfig } from '../src/config';

const valid = {
  DATABASE_URL: 'postgresql://refcheck@localhost/refcheck',
  REFCHECK_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
  REFCHECK_LINK_SECRET: 'l'.repeat(32),
  REFCHECK_ADMIN_TOKEN: 'a'.repeat(24),
  TEMPORAL_PAYLOAD_KEYS: `k1:${Buffer.alloc(32, 9).toString('base64')}`,
};

test('when the required variables are set, then the rest take their documented defaults', () => {
  const config = loadConfig(valid);
  expect(config).toMatchObject({ PORT: 3000, TEMPORAL_ADDRESS: 'localhost:7233', TEMPORAL_TASK_QUEUE: 'refcheck', LEVER_REQUESTS_PER_SECOND: 8, LEVER_BURST: 15 });
});

test('when several variables are bad, then every one is named and no value is echoed', () => {
  const secretLookingValue = 'short-secret-value';
  let error: unknown;
  try {
    loadConfig({ ...valid, PORT: 'eighty', REFCHECK_ENCRYPTION_KEY: secretLookingValue, DATABASE_URL: '', LEVER_REQUESTS_PER_SECOND: '50' });
  } catch (err) {
    error = err;
  }
  expect(error).toBeInstanceOf(ConfigError);
  const problems = (error as ConfigError).problems.join('\n');
  for (const key of ['PORT', 'REFCHECK_ENCRYPTION_KEY', 'DATABASE_URL', 'LEVER_REQUESTS_PER_SECOND']) expect(problems).toContain(key);
  expect((error as Error).message).not.toContain(secretLookingValue);
});

test('when a variable is set to an empty string, then it counts as unset', () => {
  const config = loadConfig({ ...valid, PORT: '', INBOUND_MAIL_SECRET: '' });
  expect(config.PORT).toBe(3000);
  expect(config.INBOUND_MAIL_SECRET).toBeUndefined();
});
