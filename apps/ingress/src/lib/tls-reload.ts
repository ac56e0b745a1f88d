import { X509Certificate } from 'node:crypto';
import { statSync } from 'node:fs';
import type { SecureContextOptions } from 'node:tls';
import { readTlsPair, type TlsFiles, type TlsPair } from '@relay/config';
import type { Logger } from '@relay/telemetry';

/** A server whose certificate can be replaced while it runs (`https.Server`). */
export type ReloadableServer = { setSecureContext(options: SecureContextOptions): void };

type TlsReloadOptions = {
  files: TlsFiles;
  servers: readonly ReloadableServer[];
  logger: Logger;
  /** How often the files are looked at (a stat each). @defaultValue 1000 */
  intervalMs?: number;
};

/**
 * Re-reads the certificate and key when either file changes (modification time, size or
 * inode, so a file replaced by a rename or a Kubernetes secret's symlink swap counts) and
 * gives them to every server: connections made after that get the new certificate, open ones
 * keep theirs. A pair that cannot be used (a key that does not match, a half-written file)
 * is logged and the one in use is kept; it is tried again at the next change, so writing
 * the certificate and then the key ends with the new pair. Polled rather than fs.watch, which
 * misses a file replaced under a watched path. Returns a function that stops watching.
 */
export function watchTlsFiles(options: TlsReloadOptions): () => void {
  const { files, servers, logger } = options;
  let seen = fileKeys(files);
  const timer = setInterval(() => {
    const now = fileKeys(files);
    if (now === seen) return;
    seen = now;
    let pair: TlsPair;
    try {
      pair = readTlsPair(files);
    } catch (error) {
      logger.error(
        { certFile: files.certFile, keyFile: files.keyFile, reason: (error as Error).message },
        'kept the TLS certificate in use: the changed files are not a usable pair',
      );
      return;
    }
    for (const server of servers) server.setSecureContext(pair);
    logger.info(
      { certFile: files.certFile, ...describeCertificate(pair.cert) },
      'reloaded TLS certificate',
    );
  }, options.intervalMs ?? 1_000);
  timer.unref();
  return () => clearInterval(timer);
}

/** What a log line may say of a certificate: no key, nothing personal. */
export function describeCertificate(cert: Buffer): { validTo: string; fingerprint256: string } {
  const parsed = new X509Certificate(cert);
  return { validTo: parsed.validTo, fingerprint256: parsed.fingerprint256 };
}

function fileKeys(files: TlsFiles): string {
  return [files.certFile, files.keyFile].map(fileKey).join('|');
}

function fileKey(path: string): string {
  try {
    const stat = statSync(path);
    return `${stat.mtimeMs}:${stat.size}:${stat.ino}`;
  } catch {
    return 'missing';
  }
}
