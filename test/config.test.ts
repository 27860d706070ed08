import { randomBytes } from 'node:crypto';
import { ConfigError, loadConfig } from '../src/config';
import { strongSecrets } from './helpers/secrets';

const valid = { DATABASE_URL: 'postgresql://refcheck@localhost/refcheck', ...strongSecrets() };

/** The problems loadConfig names for an environment (none: it loaded). */
function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
}

test('when the required variables are set, then the rest take their documented defaults', () => {
  const config = loadConfig(valid);
  expect(config).toMatchObject({ PORT: 3000, TEMPORAL_ADDRESS: 'localhost:7233', TEMPORAL_TASK_QUEUE: 'refcheck', LEVER_REQUESTS_PER_SECOND: 9, LEVER_BURST: 15, TRUST_PROXY: ['loopback'] });
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

describe('secrets that are placeholders or easy to guess are refused, naming the variable and how to make one', () => {
  const weak: [string, string][] = [
    ['CHANGE-ME in any case', `change-me-${randomBytes(24).toString('hex')}`],
    ['one character repeated', 'l'.repeat(48)],
    ['a short pattern repeated', 'abc123'.repeat(10)],
    ['two characters', `${'a'.repeat(40)}b${'a'.repeat(20)}`],
  ];
  test.each(weak)('a text secret: %s', (_what, value) => {
    for (const key of ['REFCHECK_LINK_SECRET', 'REFCHECK_ADMIN_TOKEN', 'INBOUND_MAIL_SECRET']) {
      const problems = problemsOf({ ...valid, [key]: value });
      expect(problems).toContainEqual(expect.stringMatching(new RegExp(`^${key}: .*openssl rand -base64 32`)));
      expect(problems.every((p) => p.startsWith(`${key}: `))).toBe(true);
      expect(problems.join('\n')).not.toContain(value);
    }
  });

  test('an encryption key of repeated bytes, or typed text, or CHANGE-ME', () => {
    for (const value of [Buffer.alloc(32, 7).toString('base64'), Buffer.from('my-very-own-handmade-secret-key!').toString('base64'), Buffer.from('CHANGE-ME-CHANGE-ME-CHANGE-ME-!!').toString('base64')]) {
      const problems = problemsOf({ ...valid, REFCHECK_ENCRYPTION_KEY: value });
      expect(problems).toEqual([expect.stringMatching(/^REFCHECK_ENCRYPTION_KEY: .*openssl rand -base64 32/)]);
      expect(problems.join('\n')).not.toContain(value);
    }
  });

  test('a placeholder password in SMTP_URL or DATABASE_URL, or a CHANGE-ME Twilio token', () => {
    const problems = problemsOf({
      ...valid, SMTP_URL: 'smtp://user:CHANGE-ME@smtp.example.com:587', DATABASE_URL: 'postgresql://postgres:change-me-postgres-password@db/refcheck',
      SMS_PROVIDER: 'twilio', TWILIO_ACCOUNT_SID: `AC${'0'.repeat(32)}`, TWILIO_AUTH_TOKEN: 'CHANGE-ME', SMS_FROM: '+15005550006',
    }).join('\n');
    for (const key of ['SMTP_URL', 'DATABASE_URL', 'TWILIO_AUTH_TOKEN']) expect(problems).toMatch(new RegExp(`^${key}: `, 'm'));
    expect(problems).not.toMatch(/change-me-postgres-password|:CHANGE-ME@/i);
  });

  test('secrets as openssl makes them pass: base64 of 32 bytes, hex of 16 or more', () => {
    for (let i = 0; i < 200; i++) {
      expect(problemsOf({
        ...valid, REFCHECK_LINK_SECRET: randomBytes(32).toString('base64'), REFCHECK_ADMIN_TOKEN: randomBytes(16).toString('hex'),
        INBOUND_MAIL_SECRET: randomBytes(24).toString('base64url'), REFCHECK_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      })).toEqual([]);
    }
  });
});

describe('TRUST_PROXY', () => {
  test('takes a hop count or a list of addresses and CIDRs', () => {
    expect(loadConfig({ ...valid, TRUST_PROXY: '1' }).TRUST_PROXY).toBe(1);
    expect(loadConfig({ ...valid, TRUST_PROXY: 'loopback, 10.0.0.0/8, 192.0.2.7, fd00::/8' }).TRUST_PROXY).toEqual(['loopback', '10.0.0.0/8', '192.0.2.7', 'fd00::/8']);
  });

  test('refuses "true" (any client could pick its own IP) and malformed entries', () => {
    for (const value of ['true', '10.0.0.0/33', 'proxy.example.com', '10.0.0.1/8/2']) expect(problemsOf({ ...valid, TRUST_PROXY: value })).toEqual([expect.stringMatching(/^TRUST_PROXY: /)]);
  });
});
