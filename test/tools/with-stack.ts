import globalSetup from '../setup/global-setup';
import globalTeardown from '../setup/global-teardown';
import { startStack, type Stack, type StackOptions } from '../helpers/stack';

/**
 * For the tools that run outside jest (benchmark, history recorder): the suite's own Temporal
 * and Postgres, one stack, then everything torn down and the process's exit code set.
 */
export function runWithStack(options: StackOptions, body: (stack: Stack) => Promise<void>): void {
  const run = async () => {
    await globalSetup();
    try {
      const stack = await startStack(options);
      try {
        await body(stack);
      } finally {
        await stack.close();
      }
    } finally {
      await globalTeardown();
    }
  };
  run().then(() => process.exit(0), (err) => {
    console.error(err);
    process.exit(1);
  });
}
