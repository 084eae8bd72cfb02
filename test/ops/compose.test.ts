// The deployment files: every combination the README documents validates with docker-compose 1.29
// (which also rejects Compose-spec-only fields), and the merged services have what production needs.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = path.resolve(import.meta.dirname, '../..');
const composeDir = path.join(root, 'compose');
const hasDockerCompose = spawnSync('docker-compose', ['version'], { stdio: 'ignore' }).status === 0;
if (!hasDockerCompose)
  console.warn(
    'compose.test: docker-compose is not installed (apt-get install docker-compose); `config -q` validation skipped',
  );

const read = (file: string) => readFileSync(path.join(root, file), 'utf8');
type Service = Record<string, any>;
// `<<: *anchor` merge keys are YAML 1.1; compose resolves them, so must we.
const load = (file: string): { services: Service; [k: string]: any } => parse(read(`compose/${file}`), { merge: true });

/** `docker compose … -f compose/a.yml -f compose/b.yml …` lines of the README, as file lists. */
function documentedCombinations(): string[][] {
  const combos = new Map<string, string[]>();
  for (const line of read('README.md').split('\n')) {
    if (!/docker(-| )compose\b/.test(line) || !line.includes('-f compose/')) continue;
    const files = [...line.matchAll(/-f\s+(compose\/[\w.-]+\.yml)/g)].map((m) => m[1]!);
    combos.set(files.join(' '), files);
  }
  return [...combos.values()];
}

// The production env file is required at `up`; validation uses an empty stand-in.
const scratch = mkdtempSync(path.join(os.tmpdir(), 'mlb-compose-'));
const envFile = path.join(scratch, 'env');
writeFileSync(envFile, '');
const composeEnv = {
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  HOME: scratch,
  SECRETS_ENV_FILE: envFile,
  SECRETS_DIR: scratch,
};

function mergedConfig(files: string[]): string {
  return execFileSync('docker-compose', [...files.flatMap((f) => ['-f', f]), 'config'], {
    cwd: root,
    env: composeEnv,
    encoding: 'utf8',
  });
}

/** Services that run without a profile (the optional monitoring pair has one). */
function always(services: Service): Service {
  return Object.fromEntries(Object.entries(services).filter(([, svc]) => !svc.profiles));
}

/** Services of files merged the way compose merges mappings (enough for the checks below); no profiles. */
function merged(...files: string[]): Service {
  const out: Service = {};
  for (const file of files) {
    for (const [name, svc] of Object.entries(always(load(file).services))) {
      const prev = out[name] ?? {};
      out[name] = {
        ...prev,
        ...svc,
        environment: { ...prev.environment, ...svc.environment },
        healthcheck: svc.healthcheck ? { ...prev.healthcheck, ...svc.healthcheck } : prev.healthcheck,
      };
    }
  }
  return out;
}

describe('documented compose combinations', () => {
  const combos = documentedCombinations();

  it('the README documents development, nuc, ec2 and labs', () => {
    const keys = combos.map((c) => c.join(' '));
    expect(keys).toEqual(
      expect.arrayContaining([
        'compose/compose.yml compose/compose.override.yml',
        'compose/compose.yml compose/compose.prod.yml compose/compose.nuc.yml',
        'compose/compose.yml compose/compose.prod.yml compose/compose.ec2.yml',
        'compose/compose.yml compose/compose.labs.yml',
      ]),
    );
  });

  it.skipIf(!hasDockerCompose).each(combos.map((c) => [c.join(' '), c] as const))(
    'docker-compose config -q: %s',
    (_name, files) => {
      const r = spawnSync('docker-compose', [...files.flatMap((f) => ['-f', f]), 'config', '-q'], {
        cwd: root,
        env: composeEnv,
        encoding: 'utf8',
      });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
    },
  );

  it.skipIf(!hasDockerCompose)('the merged ec2 configuration reads from its replica and writes to the nuc', () => {
    const config = parse(mergedConfig(['compose/compose.yml', 'compose/compose.prod.yml', 'compose/compose.ec2.yml']));
    const api = config.services.api.environment;
    expect(new URL(api.DATABASE_URL).hostname).toBe('postgres');
    expect(new URL(api.NUC_DATABASE_URL).hostname).not.toBe('postgres');
    expect(config.services.worker.environment.DATABASE_URL).toBe(api.NUC_DATABASE_URL);
    expect(config.services.api.restart).toBe('unless-stopped');
    expect(config.services.postgres.depends_on).toBeUndefined();
    expect(config.services.api.depends_on.postgres.condition).toBe('service_healthy');
  });

  it('no file uses a field docker-compose 1.29 rejects', () => {
    for (const file of readdirSync(composeDir).filter((f) => f.endsWith('.yml'))) {
      const doc = load(file);
      expect(doc.version, file).toBe('3.8');
      expect(doc.name, file).toBeUndefined();
      for (const svc of Object.values(doc.services)) {
        expect(svc.develop, file).toBeUndefined();
        for (const dep of Object.values<any>(Array.isArray(svc.depends_on) ? {} : (svc.depends_on ?? {})))
          expect(dep.required, file).toBeUndefined();
      }
    }
  });
});

describe('services', () => {
  it('the base runs postgres, the api role and the worker role, with health checks', () => {
    const s = always(load('compose.yml').services);
    expect(Object.keys(s).sort()).toEqual(['api', 'postgres', 'worker']);
    expect(s.api.command).toEqual(['api']);
    expect(s.worker.command).toEqual(['worker']);
    expect(s.postgres.healthcheck.test.join(' ')).toContain('pg_isready');
    expect(s.api.healthcheck.test.join(' ')).toContain('/healthz');
    // The worker has no HTTP server, so the image's /healthz check is switched off, on purpose.
    expect(s.worker.healthcheck).toEqual({ disable: true });
    for (const role of ['api', 'worker']) expect(s[role].depends_on.postgres.condition).toBe('service_healthy');
  });

  it('production restarts every service, reads secrets from the env file and runs the proxy and backups', () => {
    for (const env of ['nuc', 'ec2']) {
      const s = merged('compose.yml', 'compose.prod.yml', `compose.${env}.yml`);
      expect(Object.keys(s).sort()).toEqual(['api', 'backup', 'postgres', 'proxy', 'worker']);
      for (const [name, svc] of Object.entries(s)) expect(svc.restart, `${env} ${name}`).toBe('unless-stopped');
      for (const name of ['api', 'worker', 'postgres', 'backup'])
        expect(s[name].env_file).toBe('${SECRETS_ENV_FILE:-/var/secrets/env}');
      for (const name of ['api', 'worker']) {
        expect(s[name].environment.NODE_ENV).toBe('production');
        expect(s[name].volumes).toContain('${SECRETS_DIR:-/var/secrets/run}:/run/secrets:ro');
      }
      expect(s.proxy.volumes).toContain('./Caddyfile:/etc/caddy/Caddyfile:ro');
      expect(s.backup.build).toBe('./backup');
      expect(s.backup.healthcheck.test.join(' ')).toContain('backup-heartbeat');
    }
    expect(read('compose/Caddyfile')).toMatch(/reverse_proxy api:8000/);
  });

  it('metrics are on a port of their own that neither the proxy nor any file publishes', () => {
    const base = load('compose.yml').services;
    const metricsPort = base.api.environment.METRICS_PORT;
    expect(metricsPort).toBe('9464');
    expect(base.api.environment.METRICS_HOST).toBe('0.0.0.0');
    expect(metricsPort).not.toBe(base.api.environment.PORT);
    const caddy = read('compose/Caddyfile');
    expect([...caddy.matchAll(/reverse_proxy\s+(\S+)/g)].map((m) => m[1])).toEqual(['api:8000']);
    expect(caddy).not.toContain(`:${metricsPort}`);
    for (const file of readdirSync(composeDir).filter((f) => f.endsWith('.yml'))) {
      for (const [name, svc] of Object.entries(load(file).services ?? {})) {
        for (const port of (svc as Service).ports ?? [])
          expect(String(port), `${file} ${name}`).not.toContain(metricsPort);
      }
    }
  });

  it('production trusts only the proxy for the client address', () => {
    for (const env of ['nuc', 'ec2']) {
      const s = merged('compose.yml', 'compose.prod.yml', `compose.${env}.yml`);
      expect(s.api.environment.TRUST_PROXY).toBe('${PROXY_ADDRESS:-172.30.0.10}');
      expect(s.proxy.networks.default.ipv4_address).toBe(s.api.environment.TRUST_PROXY);
    }
  });

  it('the nuc is a replication primary that admits the VPN subnet', () => {
    const pg = load('compose.nuc.yml').services.postgres;
    expect(pg.command).toContain('wal_level=replica');
    expect(pg.volumes).toContain('./nuc/pg_hba.conf:/etc/postgresql/pg_hba.conf:ro');
    const hba = read('compose/nuc/pg_hba.conf');
    expect(hba).toMatch(/^host\s+replication\s+replicator\s+192\.168\.255\.0\/24\s+scram-sha-256$/m);
    expect(hba).toMatch(/^host\s+mlb\s+mlb\s+192\.168\.255\.0\/24\s+scram-sha-256$/m);
    expect(hba).not.toMatch(/^host\s.*\btrust$/m);
    expect(read('compose/nuc/init-replication.sh')).toMatch(/CREATE ROLE replicator WITH REPLICATION/);
  });

  it('the nuc api drives the booth lights through the USB widget; ec2 and labs run without lights', () => {
    const api = load('compose.nuc.yml').services.api;
    expect(api.environment.DMX_PATH).toBe('${DMX_PATH:-/dev/ttyUSB0}');
    expect(api.devices).toEqual(['${DMX_PATH:-/dev/ttyUSB0}:${DMX_PATH:-/dev/ttyUSB0}']);
    expect(read('compose/compose.nuc.yml')).toMatch(/udev/);
    expect(merged('compose.yml', 'compose.prod.yml', 'compose.ec2.yml').api.environment.LIGHTING_DISABLE).toBe('true');
    expect(merged('compose.yml', 'compose.labs.yml').api.environment.LIGHTING_DISABLE).toBe('true');
  });

  it('the ec2 postgres clones the nuc with pg_basebackup -R and stays a hot standby', () => {
    const pg = load('compose.ec2.yml').services.postgres;
    expect(pg.entrypoint).toEqual(['/usr/local/bin/replica-entrypoint.sh']);
    expect(pg.command).toContain('hot_standby=on');
    const script = read('compose/ec2/replica-entrypoint.sh');
    expect(script).toMatch(/pg_basebackup .*-R/s);
    expect(script).toMatch(/exec docker-entrypoint\.sh/);
  });

  it('labs stands alone, restarts, and keeps media on a volume', () => {
    const s = merged('compose.yml', 'compose.labs.yml');
    expect(Object.keys(s).sort()).toEqual(['api', 'postgres', 'worker']);
    for (const svc of Object.values(s)) expect(svc.restart).toBe('unless-stopped');
    for (const role of ['api', 'worker']) expect(s[role].volumes).toContain('media:/app/.data/media');
    expect(load('compose.labs.yml').volumes).toHaveProperty('media');
  });

  it('development mounts the source, publishes on localhost only and needs no secrets', () => {
    const s = merged('compose.yml', 'compose.override.yml');
    expect(s.api.volumes).toContain('../src:/app/src:ro');
    expect(s.api.ports).toEqual(['127.0.0.1:${DEV_PORT:-8000}:8000']);
    expect(s.postgres.ports[0]).toMatch(/^127\.0\.0\.1:/);
    expect(s.api.environment.NODE_ENV).toBe('development');
  });
});

describe('monitoring (optional profile)', () => {
  const all = load('compose.yml').services;
  const scrape = parse(read('compose/monitoring/prometheus.yml')) as {
    scrape_configs: Array<{ static_configs: Array<{ targets: string[] }> }>;
  };

  it('adds Prometheus and Grafana only with --profile monitoring, published on localhost only', () => {
    const optional = Object.entries(all).filter(([, svc]) => svc.profiles);
    expect(optional.map(([name, svc]) => [name, svc.profiles])).toEqual([
      ['prometheus', ['monitoring']],
      ['grafana', ['monitoring']],
    ]);
    for (const [, svc] of optional) for (const port of svc.ports) expect(port).toMatch(/^127\.0\.0\.1:/);
  });

  it('scrapes the api and the worker on their metrics port, which both serve inside the network', () => {
    const targets = scrape.scrape_configs.flatMap((c) => c.static_configs.flatMap((t) => t.targets));
    expect(targets.sort()).toEqual(['api:9464', 'worker:9464']);
    for (const role of ['api', 'worker'])
      expect(all[role].environment).toMatchObject({ METRICS_PORT: '9464', METRICS_HOST: '0.0.0.0' });
    expect(all.prometheus.volumes).toContain('./monitoring/alerts.yml:/etc/prometheus/alerts.yml:ro');
  });

  it('provisions the committed dashboard in Grafana', () => {
    const dashboard = JSON.parse(read('compose/monitoring/grafana/dashboards/mlb-game-server.json')) as {
      panels: Array<{ title: string }>;
    };
    expect(dashboard.panels.map((p) => p.title)).toEqual(
      expect.arrayContaining(['Waiting in line', 'Texts failed per 15 min', 'Live subscribers', 'Event-loop lag p99']),
    );
    expect(all.grafana.volumes).toContain('./monitoring/grafana/dashboards:/var/lib/grafana/dashboards:ro');
  });
});

describe('no secret is committed', () => {
  const files = [
    'compose.yml',
    'compose.override.yml',
    'compose.prod.yml',
    'compose.nuc.yml',
    'compose.ec2.yml',
    'compose.labs.yml',
  ];
  const secretName = /PASSWORD|SECRET|TOKEN|_KEY|DSN|AUTH/;

  it('secret settings are never given a literal value', () => {
    for (const file of files) {
      for (const [name, svc] of Object.entries(load(file).services)) {
        for (const [key, value] of Object.entries<any>(svc.environment ?? {})) {
          if (secretName.test(key) && key !== 'POSTGRES_HOST_AUTH_METHOD') {
            expect(String(value), `${file} ${name} ${key}`).toMatch(/^\$\{[A-Z_]+(:?-[^}]*)?\}$/);
          }
          // Database URLs carry no password: drivers take PGPASSWORD, or a secret file holds the URL.
          if (/^postgres(ql)?:\/\//.test(String(value)))
            expect(String(value), `${file} ${name} ${key}`).not.toMatch(/:\/\/[^/@]*:[^/@]*@/);
        }
      }
    }
  });

  it('no file in compose/, deploy/ or the Dockerfile holds a password, key or token', () => {
    const paths = [
      'Dockerfile',
      ...readdirSync(composeDir, { recursive: true }).map((f) => `compose/${f}`),
      ...readdirSync(path.join(root, 'deploy')).map((f) => `deploy/${f}`),
    ].filter((f) => statSync(path.join(root, f)).isFile());
    const literal = /(PASSWORD|SECRET_KEY|TOKEN|AWS_SECRET_ACCESS_KEY)\s*[=:]\s*['"]?(?!\$)[A-Za-z0-9+/_-]{8,}/;
    for (const file of paths) {
      const text = read(file);
      expect(text, file).not.toMatch(literal);
      expect(text, file).not.toMatch(/AKIA[0-9A-Z]{16}/);
      expect(text, file).not.toMatch(/postgres(ql)?:\/\/[^/@\s]*:[^/@\s$]+@/);
    }
  });
});

describe('image and scripts', () => {
  it('the Dockerfile builds production dependencies on node:24-slim and runs as a non-root user', () => {
    const df = read('Dockerfile');
    expect(df.match(/^FROM node:24-slim AS \w+$/gm)).toHaveLength(2);
    expect(df).toMatch(/npm ci --omit=dev/);
    expect(df).toMatch(/^USER node$/m);
    expect(df).toMatch(/^HEALTHCHECK .*\n?.*CMD \["node", "-e", .*\/healthz/m);
    expect(df).toMatch(/ENTRYPOINT \["node", "--max-semi-space-size=16", "--import", "tsx", "src\/main\.ts"\]/);
    // tsx runs the server, so it must survive `--omit=dev`.
    expect(JSON.parse(read('package.json')).dependencies).toHaveProperty('tsx');
    // The dependency fixes under patches/ are applied by postinstall (patch-package) during that npm ci.
    expect(df).toMatch(/^COPY patches \.\/patches\n(?:#.*\n)*RUN npm ci --omit=dev/m);
    expect(JSON.parse(read('package.json')).dependencies).toHaveProperty('patch-package');
    const ignored = read('.dockerignore').split('\n');
    for (const entry of ['node_modules', '.data', '.git', 'test', '.env']) expect(ignored).toContain(entry);
  });

  it('every shell script parses', () => {
    for (const file of [
      'compose/backup/backup.sh',
      'compose/backup/restore.sh',
      'compose/backup/schedule.sh',
      'compose/ec2/replica-entrypoint.sh',
      'compose/nuc/init-replication.sh',
      'deploy/restart',
      'deploy/post-receive',
    ]) {
      const r = spawnSync('bash', ['-n', path.join(root, file)], { encoding: 'utf8' });
      expect(r.stderr, file).toBe('');
      expect(statSync(path.join(root, file)).mode & 0o111, `${file} is executable`).not.toBe(0);
    }
  });

  it('deploy/restart refuses to run without COMPOSE_FILE', () => {
    const r = spawnSync(path.join(root, 'deploy/restart'), { env: { PATH: process.env.PATH }, encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/COMPOSE_FILE is not set/);
  });

  it('deploy/restart falls back to docker-compose and runs up -d --build --remove-orphans with the target files', () => {
    // A recording docker-compose first on PATH and a docker without the compose plugin.
    const bin = mkdtempSync(path.join(os.tmpdir(), 'mlb-deploy-'));
    const logFile = path.join(bin, 'calls');
    writeFileSync(path.join(bin, 'docker'), '#!/bin/sh\nexit 1\n');
    writeFileSync(
      path.join(bin, 'docker-compose'),
      `#!/bin/sh\necho "$COMPOSE_PROJECT_NAME|$COMPOSE_FILE|$GIT_SHA|$*" >> ${logFile}\n`,
    );
    for (const f of ['docker', 'docker-compose']) chmodSync(path.join(bin, f), 0o755);
    const composeFile = 'compose/compose.yml:compose/compose.labs.yml';
    const r = spawnSync(path.join(root, 'deploy/restart'), {
      env: { PATH: `${bin}:/usr/bin:/bin`, COMPOSE_FILE: composeFile, GIT_SHA: 'abc1234' },
      encoding: 'utf8',
    });
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(logFile, 'utf8').trim().split('\n')).toEqual([
      `mlb|${composeFile}|abc1234|config -q`,
      `mlb|${composeFile}|abc1234|up -d --build --remove-orphans`,
      `mlb|${composeFile}|abc1234|ps`,
    ]);
  });
});
