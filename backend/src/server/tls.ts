import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { generate } from 'selfsigned';

export interface KeyPair {
  key: string;
  cert: string;
  /** Where the certificate is, so clients can be told which file to trust. */
  certFile: string;
}

export function loadKeyPair(certFile: string, keyFile: string): KeyPair {
  return { cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8'), certFile };
}

const RENEW_BEFORE_MS = 7 * 86_400_000;

function stillValid(certPem: string): boolean {
  const validTo = Date.parse(new X509Certificate(certPem).validTo);
  return validTo - Date.now() > RENEW_BEFORE_MS;
}

/**
 * A self-signed certificate for this machine, kept in `<dataDir>/tls/` and reused across restarts
 * (so a client that trusted it once keeps working) until it nears expiry.
 */
export async function selfSignedKeyPair(dataDir: string, bindHost: string): Promise<KeyPair> {
  const dir = join(dataDir, 'tls');
  const certFile = join(dir, 'self-signed.crt');
  const keyFile = join(dir, 'self-signed.key');
  if (existsSync(certFile) && existsSync(keyFile)) {
    const pair = loadKeyPair(certFile, keyFile);
    if (stillValid(pair.cert)) return pair;
  }
  const names = new Set(['localhost', hostname()]);
  const ips = new Set(['127.0.0.1', '::1']);
  if (/^[\d.]+$|:/.test(bindHost)) {
    if (bindHost !== '0.0.0.0' && bindHost !== '::') ips.add(bindHost);
  } else {
    names.add(bindHost);
  }
  const notAfter = new Date(Date.now() + 365 * 86_400_000);
  const pems = await generate([{ name: 'commonName', value: 'ML Workbench (self-signed)' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notAfterDate: notAfter,
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'keyUsage', digitalSignature: true, keyCertSign: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [...[...names].map((value) => ({ type: 2 as const, value })), ...[...ips].map((ip) => ({ type: 7 as const, ip }))],
      },
    ],
  });
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(keyFile, pems.private, { mode: 0o600 });
  writeFileSync(certFile, pems.cert, { mode: 0o644 });
  return { key: pems.private, cert: pems.cert, certFile };
}
