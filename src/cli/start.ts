import { startLocalStack } from '../dev/stack';

/** `npm start`: the whole local stack in the foreground; Ctrl-C stops all of it. */
async function main() {
  const say = (line: string) => process.stdout.write(`    ${line}\n`);
  const stack = await startLocalStack(say);
  const { urls } = stack;
  process.stdout.write(`
refcheck is running.
  api (webhooks, pages)   ${urls.api}
  Temporal UI             ${urls.temporalUi ?? `(external Temporal at ${stack.config.TEMPORAL_ADDRESS})`}
  mail caught locally     ${urls.mail}
  fake Lever              ${urls.fakeLever}
  admin API token         in .data/local/secrets.json

Try it: npm run demo (in another terminal) plays one candidate's journey.
Press Ctrl-C to stop.
`);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    process.stdout.write('\nstopping...\n');
    void stack.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: Error) => {
  process.stderr.write(`refcheck: could not start: ${err.message}\n`);
  process.exit(1);
});
