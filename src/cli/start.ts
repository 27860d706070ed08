import { DEMO_API_KEY, startLocalStack } from '../dev/stack';

/** `npm start`: the whole local stack in the foreground; Ctrl-C stops all of it. */
async function main() {
  const say = (line: string) => process.stdout.write(`    ${line}\n`);
  const stack = await startLocalStack(say);
  const { urls } = stack;
  process.stdout.write(`
refcheck is running.
  console                 ${urls.console}
  api (webhooks, pages)   ${urls.api}
  Temporal UI             ${urls.temporalUi ?? `(external Temporal at ${stack.config.TEMPORAL_ADDRESS})`}
                          (payloads are encrypted: sign in to the console as an admin, then in the UI's
                          codec settings tick "Include cross-origin credentials" to read them)
  mail caught locally     ${urls.mail}
  texts caught locally    ${urls.sms}
  fake Lever              ${urls.fakeLever}  (API URL ${urls.fakeLever}/v1, API key "${DEMO_API_KEY}",
                          webhook settings ${urls.fakeLever}/_fake/settings/webhooks)
  admin API token         in .data/local/secrets.json
${stack.setupLink ? `
First time? Make the console's first admin with this one-time link (24 hours):
  ${stack.setupLink}
` : ''}
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
