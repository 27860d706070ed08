import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Workflow code runs in Temporal's deterministic sandbox and is replayed for weeks: it may import
 * only Temporal's workflow-safe packages, its own files, and activity *types*. Node built-ins,
 * pg, express or zod there would break determinism or the bundle. (Date.now() and timers are
 * fine: the sandbox replaces them with the workflow's deterministic clock.)
 */
const WORKFLOWS = join(__dirname, '..', 'workflows');
const ALLOWED = [/^@temporalio\/(workflow|common)$/, /^\.\//];

test.each(readdirSync(WORKFLOWS).filter((f) => f.endsWith('.ts')))('workflows/%s imports only what the sandbox allows', (file) => {
  const source = readFileSync(join(WORKFLOWS, file), 'utf8');
  const imports = [...source.matchAll(/^import\s+(type\s+)?[^'"]*from\s+'([^']+)'/gm)].map((m) => ({ typeOnly: Boolean(m[1]), from: m[2] }));
  const forbidden = imports.filter((i) => !i.typeOnly && !ALLOWED.some((re) => re.test(i.from)));
  expect(forbidden).toEqual([]);
  expect(source).not.toMatch(/\b(process\.env|require\(|fetch\()/);
});
