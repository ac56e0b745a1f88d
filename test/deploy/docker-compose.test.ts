import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '@relay/testkit';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  type ComposeService,
  containerPathSource,
  hostPath,
  readComposeFile,
} from './compose-file.ts';

const compose = readComposeFile();
const services = compose.services;
const service = (name: string): ComposeService => {
  const found = services[name];
  if (!found) throw new Error(`docker-compose.yml has no service ${name}`);
  return found;
};
const exists = (path: string) => existsSync(join(REPO_ROOT, path));
const SECRET_NAME = /TOKEN|SECRET|PASSWORD/;

/** Every path a service names inside its container, with where it says so. */
function containerPaths(name: string, svc: ComposeService): { where: string; path: string }[] {
  const namedVolumeTargets = (svc.volumes ?? [])
    .map((volume) => volume.split(':'))
    .filter(([source]) => !source?.startsWith('.'))
    .map(([, target]) => target as string);
  const underNamedVolume = (path: string) =>
    namedVolumeTargets.some((target) => path === target || path.startsWith(`${target}/`));
  const fromCommand = [...(svc.entrypoint ?? []), ...(svc.command ?? [])].map((arg) => ({
    where: `${name} command ${arg}`,
    path: arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : arg,
  }));
  const fromEnvironment = Object.entries(svc.environment ?? {}).map(([key, value]) => ({
    where: `${name} environment ${key}`,
    path: String(value),
  }));
  return [...fromCommand, ...fromEnvironment].filter(
    ({ path }) =>
      (path.startsWith('/') || /^[\w.-]+\/[\w./-]+\.\w+$/.test(path)) &&
      !/^https?:/.test(path) &&
      !underNamedVolume(path),
  );
}

describe('docker-compose.yml', () => {
  it('runs Redis, the ingress, the workers, Prometheus and Grafana; the simulator and CLI on demand', () => {
    expect(Object.keys(services).sort()).toEqual(
      ['grafana', 'ingress', 'intercom-sim', 'prometheus', 'redis', 'relay', 'worker'].sort(),
    );
    expect(service('intercom-sim').profiles).toEqual(['dev']);
    expect(service('relay').profiles).toEqual(['tools']);
    for (const [name, svc] of Object.entries(services)) {
      if (name !== 'intercom-sim' && name !== 'relay') expect(svc.profiles, name).toBeUndefined();
    }
  });

  it('runs Redis with AOF fsynced every second and noeviction, on a volume', () => {
    const command = (service('redis').command ?? []).join(' ');
    expect(command).toMatch(/^redis-server /);
    expect(command).toContain('--appendonly yes');
    expect(command).toContain('--appendfsync everysec');
    expect(command).toContain('--maxmemory-policy noeviction');
    expect(command).toMatch(/--maxmemory \d+[kmg]b/);
    expect(service('redis').volumes).toContain('redis-data:/data');
  });

  it('runs three worker replicas without host ports (they would collide)', () => {
    expect(service('worker').deploy?.replicas).toBe(3);
    expect(service('worker').ports).toBeUndefined();
  });

  it("gives the CLI the ingress, the admin listener and every worker replica's metrics", () => {
    const cli = service('relay');
    expect(cli.entrypoint).toEqual(['node', 'apps/cli/src/main.ts']);
    expect(cli.environment?.RELAY_URL).toBe(
      `http://ingress:${service('ingress').environment?.PORT}`,
    );
    expect(cli.environment?.ADMIN_URL).toBe(
      `http://ingress:${service('ingress').environment?.ADMIN_PORT}`,
    );
    const port = service('worker').environment?.METRICS_PORT;
    expect(cli.environment?.WORKER_METRICS_URLS?.split(',')).toEqual(
      Array.from(
        { length: service('worker').deploy?.replicas ?? 0 },
        (_, i) => `http://${compose.name}-worker-${i + 1}:${port}`,
      ),
    );
  });

  it('serves HTTPS from the ingress when given certificate files, plain HTTP by default', () => {
    const ingress = service('ingress');
    expect(ingress.environment?.TLS_CERT_FILE).toBe(`\${RELAY_TLS_CERT_FILE:-}`);
    expect(ingress.environment?.TLS_KEY_FILE).toBe(`\${RELAY_TLS_KEY_FILE:-}`);
    expect(ingress.volumes).toContain('./deploy/tls:/run/tls:ro');
    expect(exists('deploy/tls/README.md')).toBe(true);
    // The liveness probe follows the scheme, and images never hold the keys.
    const probe = (ingress as { healthcheck?: { test?: string[] } }).healthcheck?.test ?? [];
    expect(probe.join(' ')).toMatch(/TLS_CERT_FILE \? 'node:https' : 'node:http'/);
    expect(readFileSync(join(REPO_ROOT, '.dockerignore'), 'utf8').split('\n')).toContain(
      'deploy/tls',
    );
  });

  it('builds the ingress, the workers and the simulator from the one Dockerfile', () => {
    for (const name of ['ingress', 'worker', 'intercom-sim']) {
      expect(service(name).build, name).toEqual({ context: '.', dockerfile: 'Dockerfile' });
      expect(service(name).image, name).toBe('intercom-relay:local');
    }
    expect(service('ingress').command).toEqual(['apps/ingress/src/main.ts']);
    expect(service('worker').command).toEqual(['apps/worker/src/main.ts']);
    expect(service('intercom-sim').command?.[0]).toBe('apps/intercom-sim/src/main.ts');
  });

  it('names only paths that exist: builds, bind mounts, env files, secrets', () => {
    const missing: string[] = [];
    const check = (where: string, path: string) => {
      if (!exists(path)) missing.push(`${where}: ${path}`);
    };
    for (const [name, svc] of Object.entries(services)) {
      if (svc.build) {
        check(`${name} build.context`, svc.build.context);
        check(`${name} build.dockerfile`, join(svc.build.context, svc.build.dockerfile));
      }
      for (const volume of svc.volumes ?? []) {
        const [source] = volume.split(':');
        if (source?.startsWith('.')) check(`${name} volume`, hostPath(source));
      }
      for (const envFile of svc.env_file ?? []) {
        for (const env of ['dev', 'production']) {
          check(`${name} env_file (RELAY_ENV=${env})`, hostPath(envFile, { RELAY_ENV: env }));
        }
      }
    }
    for (const [name, secret] of Object.entries(compose.secrets)) {
      check(`secret ${name}`, hostPath(secret.file));
    }
    expect(missing).toEqual([]);
  });

  it('names only paths that exist in its containers: commands and environment', () => {
    const unresolved: string[] = [];
    for (const [name, svc] of Object.entries(services)) {
      for (const { where, path } of containerPaths(name, svc)) {
        const source = containerPathSource(compose, svc, path);
        if (!source || !exists(source)) unresolved.push(`${where} → ${source ?? 'no source'}`);
      }
    }
    expect(unresolved).toEqual([]);
    // The check is not vacuous: these are among the paths it resolved.
    const checked = Object.entries(services).flatMap(([name, svc]) =>
      containerPaths(name, svc).map(({ path }) => path),
    );
    expect(checked).toEqual(
      expect.arrayContaining([
        'apps/worker/src/main.ts',
        'apps/cli/src/main.ts',
        '/etc/prometheus/prometheus.yml',
        '/run/secrets/intercom_access_token',
        '/etc/grafana/dashboards/intercom-relay.json',
      ]),
    );
  });

  it('passes secrets as files: *_FILE variables naming a secret the service mounts', () => {
    for (const [name, svc] of Object.entries(services)) {
      for (const [key, value] of Object.entries(svc.environment ?? {})) {
        if (!SECRET_NAME.test(key)) continue;
        expect(key, `${name} ${key}`).toMatch(/_FILE$/);
        expect(containerPathSource(compose, svc, String(value)), `${name} ${key}`).toBeDefined();
      }
    }
    for (const file of readdirSync(join(REPO_ROOT, 'deploy/env'))) {
      const keys = readFileSync(join(REPO_ROOT, 'deploy/env', file), 'utf8')
        .split('\n')
        .filter((line) => /^\w+=/.test(line))
        .map((line) => line.slice(0, line.indexOf('=')));
      expect(
        keys.filter((key) => SECRET_NAME.test(key)),
        file,
      ).toEqual([]);
    }
  });

  it('wires Prometheus to the services and Grafana to Prometheus and the dashboards', () => {
    const prometheusConfig = parse(
      readFileSync(join(REPO_ROOT, 'deploy/prometheus/prometheus.yml'), 'utf8'),
    ) as {
      scrape_configs: {
        static_configs?: { targets: string[] }[];
        dns_sd_configs?: { names: string[]; port: number }[];
      }[];
    };
    const scraped = prometheusConfig.scrape_configs.flatMap((job) => [
      ...(job.static_configs ?? []).flatMap((config) => config.targets),
      ...(job.dns_sd_configs ?? []).flatMap((config) =>
        config.names.map((host) => `${host}:${config.port}`),
      ),
    ]);
    expect(scraped.sort()).toEqual([
      `ingress:${service('ingress').environment?.PORT}`,
      `worker:${service('worker').environment?.METRICS_PORT}`,
    ]);

    const provider = parse(
      readFileSync(
        join(REPO_ROOT, 'deploy/grafana/provisioning/dashboards/intercom-relay.yml'),
        'utf8',
      ),
    ) as { providers: { options: { path: string } }[] };
    const dashboards = containerPathSource(
      compose,
      service('grafana'),
      provider.providers[0]?.options.path ?? '',
    );
    expect(dashboards).toBe('deploy/grafana/dashboards');
    expect(statSync(join(REPO_ROOT, dashboards ?? '')).isDirectory()).toBe(true);
    expect(readdirSync(join(REPO_ROOT, dashboards ?? ''))).toContain('intercom-relay.json');
    expect(
      containerPathSource(compose, service('grafana'), '/etc/grafana/provisioning/datasources'),
    ).toBe('deploy/grafana/provisioning/datasources');
  });
});

describe('Dockerfile', () => {
  const dockerfile = readFileSync(join(REPO_ROOT, 'Dockerfile'), 'utf8');

  it('runs the TypeScript sources on Node 24 with the locked production dependencies', () => {
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:24[-\w.]*$/m);
    expect(dockerfile).toMatch(/^FROM \$\{NODE_IMAGE\}/m);
    expect(dockerfile).toMatch(/pnpm install --offline --frozen-lockfile --prod/);
    expect(dockerfile).toMatch(/^ENTRYPOINT \["node"\]$/m);
    expect(dockerfile).toMatch(/^USER node$/m);
  });

  it('copies only files that exist', () => {
    const sources = [...dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((match) =>
      (match[1] ?? '').split(/\s+/),
    );
    expect(sources.length).toBeGreaterThan(0);
    for (const source of sources) expect(exists(source), source).toBe(true);
  });

  it('keeps dependencies, tools and secrets out of the build context', () => {
    const ignored = readFileSync(join(REPO_ROOT, '.dockerignore'), 'utf8').split('\n');
    expect(ignored).toEqual(
      expect.arrayContaining(['.git', '**/node_modules', '.tools', '.env', 'deploy/secrets']),
    );
  });
});
