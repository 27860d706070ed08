import { parseArgs } from 'node:util';
import { seedDemo } from './demo-seed';
import { type KeyPermissions, LEVER_RESOURCES, type LeverResource, startFakeLever } from './server';

/**
 * `node dist/src/fake-lever/main.js --port 4010 --api-key KEY [--api-key KEY2] [--host H] [--seed-demo]
 *   [--key-permissions KEY2=opportunities,stages,notes]`
 * Configuration comes from argv only: the project does not read process.env outside its config module.
 */
const USAGE = 'usage: fake-lever --port <port> --api-key <key> [--api-key <key>...] [--host <host>] [--rate <per second>] [--burst <n>] [--seed-demo] [--key-permissions <key>=<resource>,<resource>...]';

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
      'key-permissions': { type: 'string', multiple: true },
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
    keyPermissions: permissionsArg(values['key-permissions'] ?? []),
  });
  if (values['seed-demo']) seedDemo(fake);
  process.stdout.write(`fake Lever API at ${fake.url} (page: ${fake.origin}/)\n`);

  const stop = () => void fake.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

/** `KEY=opportunities,stages`: that key may use only those resources (see permissions.ts). */
function permissionsArg(raw: string[]): KeyPermissions {
  const out: Record<string, LeverResource[]> = {};
  for (const entry of raw) {
    const eq = entry.lastIndexOf('=');
    if (eq <= 0) throw new Error(`--key-permissions ${entry}: expected <key>=<resource>,...`);
    const resources = entry.slice(eq + 1).split(',').filter(Boolean);
    const unknown = resources.filter((r) => !(LEVER_RESOURCES as readonly string[]).includes(r));
    if (unknown.length) throw new Error(`--key-permissions: unknown resource ${unknown.join(', ')} (known: ${LEVER_RESOURCES.join(', ')})`);
    out[entry.slice(0, eq)] = resources as LeverResource[];
  }
  return out;
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
