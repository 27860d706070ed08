import { rmSync } from 'node:fs';

type Stoppable = { stop: () => Promise<void> } | undefined;

export default async function globalTeardown() {
  const g = globalThis as Record<string, unknown>;
  await (g.__refcheckTemporal as Stoppable)?.stop();
  await (g.__refcheckPostgres as Stoppable)?.stop();
  if (typeof g.__refcheckTestDir === 'string') rmSync(g.__refcheckTestDir, { recursive: true, force: true });
}
