import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type TestCertificate = {
  /** PEM certificate, self-signed: it is its own CA. */
  cert: string;
  /** PEM private key. */
  key: string;
  /** SHA-256 fingerprint, as `tls.TLSSocket#getPeerCertificate().fingerprint256` gives it. */
  fingerprint256: string;
};

/**
 * A fresh self-signed certificate for localhost and 127.0.0.1, valid for a day, made with the
 * openssl CLI at test time (no key is committed). A missing openssl fails the test with the
 * way to get it.
 */
export function makeTestCertificate(commonName = 'relay-test'): TestCertificate {
  const dir = mkdtempSync(join(tmpdir(), 'relay-cert-'));
  try {
    const result = spawnSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '1',
        '-subj',
        `/CN=${commonName}`,
        '-addext',
        'subjectAltName=DNS:localhost,IP:127.0.0.1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { encoding: 'utf8' },
    );
    if ((result.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
      throw new Error('openssl is not installed: apt-get install openssl (TLS tests need it)');
    }
    if (result.status !== 0) throw new Error(`openssl failed: ${result.stderr}`);
    const cert = readFileSync(join(dir, 'cert.pem'), 'utf8');
    return {
      cert,
      key: readFileSync(join(dir, 'key.pem'), 'utf8'),
      fingerprint256: new X509Certificate(cert).fingerprint256,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
