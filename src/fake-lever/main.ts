import { parseArgs } from 'node:util';
import { seedDemo } from './demo-seed';
import { startFakeLever } from './server';

/**
 * `node dist/src/fake-lever/main.js --port 4010 --api-key KEY [--api-key KEY2] [--host H] [--seed-demo]`
 * Configuration comes from argv only: the project does not read process.env outside its config module.
 */
const USAGE = 'usage: fake-lever --port <port> --api-key <key> [--api-key <key>...] [--host <host>] [--rate <per second>] [--burst <n>] [--seed-demo]';

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    strict: true,
    options: {
      port: { type: 'string', default: '4010' },
      host: { type: 'string', default: '127.0.0.1' },
      'api-key': { type: 'string', multiple: true },
      rate: { type: 'string' },
      burst: { type: 'string' },
      'seed-demo': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return void process.stdout.write(USAGE + '\n');
  const apiKeys = values['api-key'];
  if (!apiKeys?.length) throw new Error('--api-key is required');
  const fake = await startFakeLever({
    port: intArg('port', values.port),
    host: values.host,
    apiKeys,
    ratePerSecond: values.rate === undefined ? undefined : intArg('rate', values.rate),
    burst: values.burst === undefined ? undefined : intArg('burst', values.burst),
  });
  if (values['seed-demo']) seedDemo(fake);
  process.stdout.write(`fake Lever API at ${fake.url} (page: ${fake.origin}/)\n`);

  const stop = () => void fake.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

function intArg(name: string, raw: string | undefined): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a non-negative integer`);
  return n;
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n${USAGE}\n`);
  process.exit(1);
});
