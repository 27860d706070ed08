import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import YAML from 'yaml';
import { loadConfig, missingMallocEnv, type ConfigError } from '../src/config';
import { localSecrets } from '../src/dev/local-secrets';
import { SEARCH_ATTRIBUTES } from '../workflows/definitions';
import { strongSecrets } from './helpers/secrets';

/**
 * The deployment files (Dockerfile, docker-compose.yml, .env.example) against the code they deploy.
 * No Docker engine here: the files are parsed, and compose's variable interpolation is redone below.
 */
const root = join(__dirname, '..');
const read = (file: string) => readFileSync(join(root, file), 'utf8');

type Service = {
  image?: string;
  build?: unknown;
  command?: string[] | string;
  environment?: Record<string, string>;
  env_file?: string | string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  ports?: string[];
  networks?: string[];
  configs?: { source: string; target: string }[];
  volumes?: string[];
};
type Compose = {
  services: Record<string, Service>;
  configs: Record<string, { content: string }>;
  networks: Record<string, { ipam?: { config: { subnet: string }[] } }>;
};

/** Parsed, with YAML merge keys (`<<: *refcheck`) applied as compose applies them. */
const compose = YAML.parse(read('docker-compose.yml'), { merge: true }) as Compose;
const services = compose.services;
const REFCHECK_SERVICES = ['refcheck-migrate', 'refcheck-api', 'refcheck-worker', 'mail-listener'];

/** .env.example: `NAME=value` lines are set; `# NAME=value` lines are documented but left to compose. */
function readEnvExample() {
  const set: Record<string, string> = {};
  const documented: string[] = [];
  for (const line of read('.env.example').split('\n')) {
    const m = /^(#\s*)?([A-Z][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (!m) continue;
    documented.push(m[2]);
    if (!m[1]) set[m[2]] = m[3].replace(/^"(.*)"$/, '$1').replace(/^'(.*)'$/, '$1');
  }
  return { set, documented };
}
const envExample = readEnvExample();

/** Compose's interpolation: $$, $VAR, ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?error}, ${VAR?error}. */
const VARIABLE = /\$(?:\$|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g;
function interpolate(text: string, vars: Record<string, string>): string {
  return text.replace(VARIABLE, (match, braced: string | undefined, op: string | undefined, arg: string, bare: string | undefined) => {
    if (match === '$$') return '$';
    const name = (braced ?? bare)!;
    const value = vars[name];
    const unset = op?.startsWith(':') ? !value : value === undefined;
    if (op?.endsWith('-')) return unset ? arg : value;
    if (unset) throw new Error(`docker-compose.yml needs ${name}${op?.endsWith('?') ? `: ${arg}` : ''}, and .env.example does not set it`);
    return value;
  });
}
function interpolateAll<T>(node: T, vars: Record<string, string>): T {
  if (typeof node === 'string') return interpolate(node, vars) as T;
  if (Array.isArray(node)) return node.map((n) => interpolateAll(n, vars)) as T;
  if (node && typeof node === 'object') return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, interpolateAll(v, vars)])) as T;
  return node;
}
/** Names compose interpolates from .env (skipping `$$`, the shell's own `$`). */
function composeVariables(): string[] {
  return [...new Set([...read('docker-compose.yml').matchAll(VARIABLE)].filter((m) => m[0] !== '$$').map((m) => (m[1] ?? m[4])!))];
}

/**
 * Every variable the config schema names. The schema is not exported, so it is read from the source
 * (the object literal behind `type Config = z.infer<typeof X>`); the test below checks this list
 * against what loadConfig actually returns.
 */
function configKeys(): string[] {
  const file = ts.createSourceFile('config.ts', read('src/config.ts'), ts.ScriptTarget.ES2022, true);
  let schemaName: string | undefined;
  const shapes = new Map<string, string[]>();
  const visit = (node: ts.Node) => {
    if (ts.isTypeAliasDeclaration(node) && node.name.text === 'Config') schemaName = /typeof\s+(\w+)/.exec(node.type.getText())?.[1];
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer && ts.isCallExpression(node.initializer)) {
      const [shape] = node.initializer.arguments;
      if (shape && ts.isObjectLiteralExpression(shape)) shapes.set(node.name.text, shape.properties.map((p) => p.name!.getText()));
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  const keys = schemaName ? shapes.get(schemaName) : undefined;
  if (!keys) throw new Error('src/config.ts: no `type Config = z.infer<typeof Schema>` with `const Schema = z.object({...})`');
  return keys;
}

/**
 * .env.example as an operator fills it in: every secret generated, as its comments say.
 * (As it is, refcheck refuses it: see the test below.)
 */
const SECRETS_IN_EXAMPLE = ['POSTGRES_PASSWORD', 'REFCHECK_ENCRYPTION_KEY', 'REFCHECK_LINK_SECRET', 'REFCHECK_ADMIN_TOKEN', 'SMTP_URL', 'TEMPORAL_PAYLOAD_KEYS'];
const filledIn: Record<string, string> = {
  ...envExample.set, ...strongSecrets(), POSTGRES_PASSWORD: randomBytes(24).toString('hex'),
  SMTP_URL: `smtp://user:${encodeURIComponent(randomBytes(18).toString('base64'))}@smtp.example.com:587`,
};

/** The environment a refcheck container gets: env_file (.env) overridden by `environment`. */
function containerEnv(service: string, dotEnv: Record<string, string> = filledIn): Record<string, string> {
  const s = interpolateAll(services[service], dotEnv);
  return { ...dotEnv, ...s.environment };
}

const shellScript = (s: Service) => (Array.isArray(s.command) ? s.command.join('\n') : (s.command ?? ''));
/** `node dist/src/x.js` → src/x.ts, the file tsc compiles to it. */
const sourceOf = (distPath: string) => distPath.replace(/^dist\//, '').replace(/\.js$/, '.ts');

describe('docker-compose.yml', () => {
  it('parses, and every depends_on names a service of the file', () => {
    expect(Object.keys(services)).toEqual(
      expect.arrayContaining(['postgresql', 'temporal-admin-tools', 'temporal', 'temporal-create-namespace-and-search-attributes', 'temporal-ui', ...REFCHECK_SERVICES]),
    );
    for (const [name, s] of Object.entries(services)) {
      for (const dep of Object.keys(s.depends_on ?? {})) expect(`${name} -> ${dep}: ${dep in services}`).toBe(`${name} -> ${dep}: true`);
    }
  });

  it('pins every image to a tag (never latest)', () => {
    for (const [name, s] of Object.entries(services)) {
      expect(`${name}: ${s.image}`).toMatch(/^[^:]+: [a-z0-9./-]+:[\w][\w.-]*$/);
      expect(`${name}: ${s.image}`).not.toMatch(/:latest$/);
    }
  });

  it('uses no auto-setup image (deprecated)', () => {
    for (const s of Object.values(services)) expect(s.image).not.toMatch(/auto-setup/);
  });

  it('refuses to start with .env.example as it is: every placeholder secret is named, with how to make one', () => {
    for (const name of REFCHECK_SERVICES) {
      let problems: string[] = [];
      try {
        loadConfig(containerEnv(name, envExample.set));
      } catch (err) {
        problems = (err as ConfigError).problems;
      }
      // POSTGRES_PASSWORD reaches refcheck inside DATABASE_URL.
      for (const key of ['DATABASE_URL', 'REFCHECK_ENCRYPTION_KEY', 'REFCHECK_LINK_SECRET', 'REFCHECK_ADMIN_TOKEN', 'SMTP_URL', 'TEMPORAL_PAYLOAD_KEYS']) {
        expect(problems).toContainEqual(expect.stringMatching(new RegExp(`^${key}: .*openssl rand`)));
      }
      for (const key of SECRETS_IN_EXAMPLE) expect(problems.join('\n')).not.toContain(envExample.set[key]);
    }
  });

  it('accepts the secrets the local stack generates for itself', () => {
    const dir = mkdtempSync(join(tmpdir(), 'refcheck-secrets-'));
    const local = localSecrets(join(dir, 'secrets.json'));
    expect(() => loadConfig({ DATABASE_URL: 'postgresql://refcheck@127.0.0.1:5433/refcheck', ...local })).not.toThrow();
  });

  it('gives the refcheck services a complete, valid configuration from .env.example (its secrets generated) plus compose', () => {
    for (const name of REFCHECK_SERVICES) {
      expect([services[name].env_file].flat()).toContain('.env');
      const env = containerEnv(name);
      expect(() => loadConfig(env)).not.toThrow();
      const config = loadConfig(env);
      // The addresses point at this file's own services.
      expect(new URL(config.DATABASE_URL).hostname).toBe('postgresql');
      expect(new URL(config.DATABASE_URL).pathname).toBe('/refcheck');
      expect(config.TEMPORAL_ADDRESS).toBe('temporal:7233');
      // The proxy reaches the api over the edge network: X-Forwarded-For is believed from there only.
      expect(config.TRUST_PROXY).toEqual(compose.networks.edge.ipam!.config.map((c) => c.subnet));
    }
  });

  it('registers exactly the search attributes the workflows set, in the namespace refcheck uses', () => {
    const job = interpolateAll(services['temporal-create-namespace-and-search-attributes'], filledIn);
    const registered = job.environment!.SEARCH_ATTRIBUTES.split(/\s+/).filter(Boolean).sort();
    expect(registered).toEqual(SEARCH_ATTRIBUTES.map((a) => `${a.name}=${a.type}`).sort());
    expect(shellScript(job)).toMatch(/temporal operator search-attribute create --namespace "\$NAMESPACE" --name/);
    expect(job.environment!.NAMESPACE).toBe(loadConfig(containerEnv('refcheck-worker')).TEMPORAL_NAMESPACE);
  });

  it('starts the api and worker only after the migration and the search attributes', () => {
    for (const name of ['refcheck-api', 'refcheck-worker', 'mail-listener']) {
      expect(services[name].depends_on).toMatchObject({
        'refcheck-migrate': { condition: 'service_completed_successfully' },
        'temporal-create-namespace-and-search-attributes': { condition: 'service_completed_successfully' },
      });
    }
  });

  it('runs the entry points the code has: migrate as `npm run migrate` does, the worker, the api by default', () => {
    const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
    const migrate = services['refcheck-migrate'].command as string[];
    expect(migrate.join(' ')).toBe(pkg.scripts.migrate);
    const worker = services['refcheck-worker'].command as string[];
    const mailListener = services['mail-listener'].command as string[];
    expect(services['refcheck-api'].command).toBeUndefined(); // the image's CMD, checked below
    for (const cmd of [migrate, worker, mailListener]) {
      expect(cmd[0]).toBe('node');
      expect(existsSync(join(root, sourceOf(cmd[1])))).toBe(true);
    }
    expect(worker[1]).toBe('dist/src/worker.js');
    expect(mailListener[1]).toBe('dist/src/mail-listener.js');
  });

  it('publishes SMTP from the mail listener (same image, its own process), on the port it listens on; the api publishes nothing (the proxy reaches it)', () => {
    const published = (name: string) => (interpolateAll(services[name], envExample.set).ports ?? []).map((p) => p.split(':').slice(-2));
    const listener = loadConfig(containerEnv('mail-listener'));
    expect(services['mail-listener'].image).toBe(services['refcheck-api'].image);
    expect(published('mail-listener')).toEqual([[String(listener.INBOUND_SMTP_PORT), String(listener.INBOUND_SMTP_PORT)]]);
    // Loopback inside a container would be unreachable through the published port.
    expect(listener.INBOUND_SMTP_HOST).toBe('0.0.0.0');
    expect(published('refcheck-api')).toEqual([]);
    expect(services['mail-listener'].healthcheck!.test.join(' ')).toMatch(/INBOUND_SMTP_PORT/);
  });

  it('health-checks the api on /readyz', () => {
    expect(services['refcheck-api'].healthcheck!.test.join(' ')).toMatch(/\/readyz/);
  });
});

describe('docker-compose.yml scaled out', () => {
  const config = (service: string) => loadConfig(containerEnv(service));
  const content = (name: string) => interpolate(compose.configs[name].content, filledIn);
  const hostPorts = (s: Service) => (interpolateAll(s, filledIn).ports ?? []).map((p) => ({ hostIp: p.split(':').length > 2 ? p.split(':')[0] : '', port: p.split(':').slice(-2)[0] }));

  it('runs `--scale refcheck-api=N --scale refcheck-worker=N`: no scaled service publishes a host port; only the proxy publishes 80 and 443 to the world', () => {
    for (const name of ['refcheck-api', 'refcheck-worker']) expect(`${name}: ${JSON.stringify(services[name].ports ?? [])}`).toBe(`${name}: []`);
    const public_ = Object.entries(services).flatMap(([name, s]) => hostPorts(s).filter((p) => p.hostIp !== '127.0.0.1').map((p) => `${name}:${p.port}`));
    // The mail listener is the MX target, one copy (SMTP cannot sit behind the HTTP proxy).
    expect(public_.sort()).toEqual(['mail-listener:2525', 'proxy:443', 'proxy:443', 'proxy:80'].sort());
  });

  it('puts the proxy in front of the api: it terminates TLS for PUBLIC_URL and routes to every api replica on PORT, never to a metrics port', () => {
    const caddyfile = content('caddyfile');
    expect(services.proxy.configs).toContainEqual({ source: 'caddyfile', target: '/etc/caddy/Caddyfile' });
    const api = config('refcheck-api');
    // The site address is the https URL Lever and the mails use: Caddy gets its certificate itself.
    expect(caddyfile.trim().split('\n')[0]).toBe(`${api.PUBLIC_URL} {`);
    expect(new URL(api.PUBLIC_URL).protocol).toBe('https:');
    const upstream = /dynamic a \{\s*name (\S+)\s*port (\d+)/.exec(caddyfile);
    expect(upstream?.slice(1)).toEqual(['refcheck-api', String(api.PORT)]);
    for (const metricsPort of [api.API_METRICS_PORT, api.WORKER_METRICS_PORT, api.MAIL_LISTENER_METRICS_PORT]) expect(caddyfile).not.toContain(String(metricsPort));
    // Only the proxy and the api share the edge network, whose subnet TRUST_PROXY believes.
    const onEdge = Object.entries(services).filter(([, s]) => s.networks?.includes('edge')).map(([name]) => name);
    expect(onEdge.sort()).toEqual(['proxy', 'refcheck-api']);
    expect(services['refcheck-api'].networks).toContain('default');
  });

  it("gives the Temporal server the dynamic config refcheck's fairness needs: fairness on, one partition per task queue, as the dev server runs", () => {
    const { configs, environment } = services.temporal;
    expect(configs?.find((c) => c.source === 'temporal-dynamic-config')?.target).toBe(environment?.DYNAMIC_CONFIG_FILE_PATH);
    const dynamic = YAML.parse(content('temporal-dynamic-config')) as Record<string, { value: unknown }[]>;
    const devServer = readFileSync(join(__dirname, '..', 'src', 'dev', 'temporal-server.ts'), 'utf8');
    for (const [key, value] of Object.entries({ 'matching.enableFairness': true, 'matching.numTaskqueueReadPartitions': 1, 'matching.numTaskqueueWritePartitions': 1 })) {
      expect(`${key}: ${JSON.stringify(dynamic[key])}`).toBe(`${key}: ${JSON.stringify([{ value }])}`);
      expect(devServer).toContain(`'${key}=${value}'`);
    }
  });

  it('scrapes every replica of the api, the worker and the mail listener, by DNS, on the port each serves /metrics on', () => {
    const prometheus = YAML.parse(content('prometheus-config')) as { scrape_configs: { job_name: string; dns_sd_configs: { names: string[]; type: string; port: number }[] }[] };
    const portOf = { 'refcheck-api': 'API_METRICS_PORT', 'refcheck-worker': 'WORKER_METRICS_PORT', 'mail-listener': 'MAIL_LISTENER_METRICS_PORT' } as const;
    for (const [service, key] of Object.entries(portOf)) {
      const job = prometheus.scrape_configs.find((j) => j.job_name === service);
      const port = config(service)[key];
      expect(port).toBeGreaterThan(0);
      expect(job?.dns_sd_configs).toEqual([{ names: [service], type: 'A', port }]);
      // Reachable from the prometheus container: every interface of the service's own.
      expect(config(service).METRICS_HOST).toBe('0.0.0.0');
    }
    expect(services.prometheus.configs).toContainEqual({ source: 'prometheus-config', target: '/etc/prometheus/prometheus.yml' });
    expect(services.prometheus.networks).toBeUndefined(); // the default network, with the services it scrapes
  });

  it('provisions Grafana with the dashboard beside this file, on the Prometheus data source, querying metrics the api exports', async () => {
    const mount = services.grafana.volumes!.find((v) => v.startsWith('./docs/grafana:'))!;
    const provider = YAML.parse(content('grafana-dashboards')) as { providers: { options: { path: string } }[] };
    expect(mount.split(':')[1]).toBe(provider.providers[0].options.path);
    const datasource = YAML.parse(content('grafana-datasource')) as { datasources: { uid: string; url: string }[] };
    expect(datasource.datasources[0].url).toBe('http://prometheus:9090');
    const dashboard = JSON.parse(read('docs/grafana/refcheck.json')) as { panels: { type: string; datasource?: { uid: string }; targets?: { expr: string }[] }[] };
    const queried = dashboard.panels.filter((p) => p.type !== 'row');
    for (const panel of queried) expect(panel.datasource?.uid).toBe(datasource.datasources[0].uid);
    const families = new Set(queried.flatMap((p) => p.targets!.flatMap((t) => t.expr.match(/\brefcheck_\w+/g) ?? [])));
    const { registry } = await import('../src/metrics');
    await import('../src/http/metrics');
    const exported = (await registry.getMetricsAsJSON()).flatMap((m) => (String(m.type) === 'histogram' ? ['_bucket', '_count', '_sum'].map((s) => m.name + s) : [m.name]));
    expect([...families].filter((f) => !exported.includes(f))).toEqual([]);
    expect([...families].sort()).toEqual(['refcheck_lever_webhook_ack_seconds_bucket', 'refcheck_lever_webhook_ack_seconds_count', 'refcheck_lever_webhooks_refused_total', 'refcheck_lever_webhooks_total', 'refcheck_portal_requests_total']);
  });

  it('runs, in every refcheck container, a file tsc compiles into dist/ from a directory the Dockerfile copies', () => {
    const dockerfile = read('Dockerfile');
    const copied = [...dockerfile.matchAll(/^COPY (\S+) \.\/\1$/gm)].map((m) => m[1]);
    const cmd = JSON.parse(/^CMD\s+(\[.*\])\s*$/m.exec(dockerfile)![1]) as string[];
    const image = services['refcheck-api'].image;
    const refcheckServices = Object.entries(services).filter(([, s]) => s.image === image);
    expect(refcheckServices.map(([name]) => name).sort()).toEqual([...REFCHECK_SERVICES].sort());
    for (const [name, s] of refcheckServices) {
      const [node, file] = (s.command as string[] | undefined) ?? cmd;
      expect(`${name}: ${node}`).toBe(`${name}: node`);
      const source = sourceOf(file);
      expect(`${name}: ${source} exists: ${existsSync(join(root, source))}`).toBe(`${name}: ${source} exists: true`);
      expect(copied).toContain(source.split('/')[0]);
    }
  });

  it('health-checks every long-running service; the worker on the metrics port compose gives it', () => {
    const oneShot = ['temporal-admin-tools', 'temporal-create-namespace-and-search-attributes', 'refcheck-migrate'];
    const withoutCheck = Object.entries(services).filter(([name, s]) => !oneShot.includes(name) && !s.healthcheck).map(([name]) => name);
    // The UIs have no check of their own; nothing waits on them.
    expect(withoutCheck.sort()).toEqual(['grafana', 'temporal-ui']);
    expect(services['refcheck-worker'].healthcheck!.test.join(' ')).toMatch(/process\.env\.WORKER_METRICS_PORT.*\/metrics.*temporal_worker_task_slots_available/);
    expect(config('refcheck-worker').WORKER_METRICS_PORT).toBeGreaterThan(0);
  });
});

describe('.env.example', () => {
  it('lists exactly the variables the config reads plus those docker-compose.yml interpolates', () => {
    const keys = configKeys();
    // The list read from the source is the one loadConfig parses: given every key, it returns exactly those.
    // The optional ones the example leaves commented out are given too.
    const everything = {
      ...containerEnv('refcheck-api'), INBOUND_MAIL_SECRET: randomBytes(24).toString('hex'), CHROMIUM_PATH: '/usr/bin/chromium',
      INBOUND_SMTP_TLS_CERT_FILE: '/run/tls/cert.pem', INBOUND_SMTP_TLS_KEY_FILE: '/run/tls/key.pem',
      SMS_PROVIDER: 'twilio', TWILIO_ACCOUNT_SID: `AC${'0'.repeat(32)}`, TWILIO_AUTH_TOKEN: 't'.repeat(32), SMS_FROM: '+15005550006', TWILIO_MESSAGING_SERVICE_SID: `MG${'0'.repeat(32)}`,
    };
    expect(Object.keys(loadConfig(everything)).sort()).toEqual([...keys].sort());
    const expected = [...new Set([...keys, ...composeVariables()])].sort();
    expect([...envExample.documented].sort()).toEqual(expected);
  });

  it('leaves to compose what compose sets, so the two cannot disagree', () => {
    const environment = services['refcheck-api'].environment ?? {};
    // `NAME: ${NAME:-x}` passes the .env value through; anything else overrides it.
    const overridden = Object.keys(environment).filter((k) => !environment[k].startsWith(`\${${k}`));
    expect(overridden).toEqual(expect.arrayContaining(['DATABASE_URL', 'TEMPORAL_ADDRESS']));
    for (const key of overridden) {
      expect(`${key}=${envExample.set[key]}`).toBe(`${key}=undefined`);
    }
  });
});

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');
  const stages = dockerfile.split(/^FROM /m).slice(1);
  const runtime = stages[stages.length - 1];

  it('builds on pinned images', () => {
    for (const stage of stages) {
      const image = stage.split(/\s/)[0];
      expect(image).toMatch(/^[a-z0-9./-]+:[\w][\w.-]*$/);
      expect(image).not.toMatch(/:latest$/);
    }
  });

  it('runs as the non-root node user', () => {
    const users = [...runtime.matchAll(/^USER\s+(\S+)/gm)].map((m) => m[1]);
    expect(users[users.length - 1]).toBe('node');
  });

  it('starts the api by default', () => {
    const cmd = /^CMD\s+(\[.*\])\s*$/m.exec(runtime);
    const args = JSON.parse(cmd![1]) as string[];
    expect(args).toEqual(['node', 'dist/src/main.js']);
    expect(existsSync(join(root, sourceOf(args[1])))).toBe(true);
  });

  it('copies every source directory tsc compiles (but the tests)', () => {
    const tsconfig = JSON.parse(read('tsconfig.json')) as { include: string[] };
    for (const dir of tsconfig.include.filter((d) => d !== 'test')) expect(dockerfile).toMatch(new RegExp(`^COPY ${dir} \\./${dir}$`, 'm'));
  });

  it('ships the workflow bundle the worker loads, built with the code (the worker runs no bundler)', () => {
    expect(stages[0]).toMatch(/^RUN npm run build\b/m);
    const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
    expect(pkg.scripts.build).toMatch(/node dist\/src\/cli\/bundle-workflows\.js/);
    expect(runtime).toMatch(/^COPY --from=build \/app\/dist \.\/dist$/m);
  });

  it("starts every process with refcheck's malloc settings (glibc reads them only at start)", () => {
    const env = Object.fromEntries([...runtime.matchAll(/^ENV\s+(.+)$/gm)].flatMap((m) => m[1].split(/\s+/).map((kv) => kv.split('='))));
    expect(missingMallocEnv(env)).toEqual([]);
  });

  it('keeps secrets and local state out of the build context', () => {
    const ignored = read('.dockerignore').split('\n').map((l) => l.trim());
    expect(ignored).toEqual(expect.arrayContaining(['.env', 'node_modules', 'dist', '.data', '.git']));
  });
});
