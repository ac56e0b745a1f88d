import { readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { REPO_ROOT } from '@relay/testkit';
import { parse } from 'yaml';

export type ComposeService = {
  image?: string;
  build?: { context: string; dockerfile: string };
  entrypoint?: string[];
  command?: string[];
  environment?: Record<string, string>;
  env_file?: string[];
  volumes?: string[];
  secrets?: string[];
  ports?: string[];
  profiles?: string[];
  deploy?: { replicas?: number };
  depends_on?: Record<string, unknown> | string[];
};

export type ComposeFile = {
  name: string;
  services: Record<string, ComposeService>;
  secrets: Record<string, { file: string }>;
  volumes: Record<string, unknown>;
};

/** docker-compose.yml as compose reads it (YAML merge keys resolved). */
export function readComposeFile(): ComposeFile {
  return parse(readFileSync(join(REPO_ROOT, 'docker-compose.yml'), 'utf8'), {
    merge: true,
  }) as ComposeFile;
}

/** Compose's `${NAME}` and `${NAME:-default}` interpolation. */
function interpolate(value: string, vars: Record<string, string> = {}): string {
  return value.replace(
    /\$\{(\w+)(?::-([^}]*))?\}/g,
    (_whole, name: string, fallback?: string) => vars[name] || fallback || '',
  );
}

/** A path compose resolves on the host (relative to the compose file), made repo-relative. */
export function hostPath(path: string, vars: Record<string, string> = {}): string {
  return posix.normalize(interpolate(path, vars));
}

/**
 * Where a path inside a service's container comes from in the repository: a bind mount of
 * the service, a secret under /run/secrets, or the image's /app (the repository itself, for
 * services built from the Dockerfile). undefined when it comes from neither.
 */
export function containerPathSource(
  compose: ComposeFile,
  service: ComposeService,
  path: string,
): string | undefined {
  const secret = /^\/run\/secrets\/([^/]+)$/.exec(path);
  if (secret) {
    const name = secret[1] as string;
    const file = compose.secrets[name]?.file;
    return service.secrets?.includes(name) && file ? hostPath(file) : undefined;
  }
  for (const volume of service.volumes ?? []) {
    const [source, target] = volume.split(':');
    if (!source?.startsWith('.') || !target) continue;
    if (path === target || path.startsWith(`${target}/`)) {
      return hostPath(`${source}${path.slice(target.length)}`);
    }
  }
  if (service.build && !path.startsWith('/')) return hostPath(path);
  return undefined;
}
