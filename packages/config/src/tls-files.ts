import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import type { EnvReader } from './env-reader.ts';

/** Where a server's certificate and key are (PEM files). */
export type TlsFiles = { certFile: string; keyFile: string };

/** A certificate and its private key, as Node's TLS options take them. */
export type TlsPair = { cert: Buffer; key: Buffer };

/**
 * TLS_CERT_FILE and TLS_KEY_FILE: both or neither. When both are set, the files must be
 * readable and hold a certificate and the key that matches it; each problem goes into the
 * one configuration message. undefined when TLS is off.
 */
export function readTlsFiles(
  env: EnvReader,
  names = { cert: 'TLS_CERT_FILE', key: 'TLS_KEY_FILE' },
): TlsFiles | undefined {
  const certFile = env.string(names.cert);
  const keyFile = env.string(names.key);
  if (certFile === '' && keyFile === '') return undefined;
  if (certFile === '' || keyFile === '') {
    env.problem(
      `set both ${names.cert} and ${names.key}, or neither: with one of them the server cannot serve HTTPS`,
    );
    return undefined;
  }
  try {
    readTlsPair({ certFile, keyFile });
  } catch (error) {
    env.problem(`${names.cert} / ${names.key}: ${(error as Error).message}`);
    return undefined;
  }
  return { certFile, keyFile };
}

/**
 * Reads both files and checks they make a usable pair (parsable PEM, the key matching the
 * certificate); throws an Error saying which file is wrong otherwise.
 */
export function readTlsPair(files: TlsFiles): TlsPair {
  const cert = readPem(files.certFile, 'certificate');
  const key = readPem(files.keyFile, 'key');
  try {
    createSecureContext({ cert, key });
  } catch (error) {
    const reason = (error as Error).message;
    throw new Error(
      /mismatch/i.test(reason)
        ? `the key in ${files.keyFile} does not belong to the certificate in ${files.certFile}`
        : `${files.certFile} and ${files.keyFile} are not a usable PEM certificate and key (${reason})`,
    );
  }
  return { cert, key };
}

function readPem(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new Error(
      `cannot read the ${what} file ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
}
