import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';
import { createServer } from 'node:net';

/** A free TCP port on loopback, picked by the OS. */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

/** Polls `check` until it resolves true, or throws with `what` after `timeoutMs`. */
export async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs = 60_000, everyMs = 200): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

export type Managed = { name: string; child: ChildProcess; stop: () => Promise<void> };

/** Starts a long-running child; stop() sends SIGTERM, then SIGKILL if it lingers. */
export function startProcess(name: string, command: string, args: string[], options: SpawnOptions = {}): Managed {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await once(child, 'exit').catch(() => undefined);
    clearTimeout(timer);
  };
  return { name, child, stop };
}

/** The first `name` found on PATH, if any. */
export function onPath(name: string): string | undefined {
  return (process.env.PATH ?? '').split(':').filter(Boolean).map((dir) => join(dir, name)).find((p) => existsSync(p));
}
