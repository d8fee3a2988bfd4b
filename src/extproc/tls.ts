/**
 * Server TLS material. TLS reads `tls.crt` and `tls.key` from `extproc.tls.cert_path` (upstream's
 * `--cert-path` layout, e.g. a mounted Kubernetes TLS secret). With TLS on and no path, a
 * self-signed certificate for localhost is generated with the system `openssl`, as upstream does;
 * it suits Envoy clusters that do not verify the server (the usual in-pod sidecar setup).
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { RouterError } from '../errors.js'

export interface TlsSettings {
  readonly enabled: boolean
  readonly certPath: string
}

export interface KeyPair {
  readonly cert: Buffer
  readonly key: Buffer
}

export function readKeyPair(dir: string): KeyPair {
  try {
    return { cert: readFileSync(join(dir, 'tls.crt')), key: readFileSync(join(dir, 'tls.key')) }
  } catch (err) {
    throw new RouterError(
      'config_invalid',
      `extproc.tls.cert_path: cannot read tls.crt/tls.key in ${dir}: ${(err as Error).message}`,
      { cause: err },
    )
  }
}

/** A fresh self-signed certificate for localhost / 127.0.0.1 (ECDSA P-256, one year). */
export function selfSignedKeyPair(): KeyPair {
  const dir = mkdtempSync(join(tmpdir(), 'vsr-tls-'))
  try {
    execFileSync(
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
        '365',
        '-subj',
        '/CN=semantic-router',
        '-addext',
        'subjectAltName=DNS:localhost,IP:127.0.0.1',
        '-keyout',
        join(dir, 'tls.key'),
        '-out',
        join(dir, 'tls.crt'),
      ],
      { stdio: 'ignore', timeout: 10_000 },
    )
    return readKeyPair(dir)
  } catch (err) {
    if (err instanceof RouterError) throw err
    throw new RouterError(
      'config_invalid',
      'extproc.tls is enabled without cert_path and no self-signed certificate could be made ' +
        '(is openssl installed?); set extproc.tls.cert_path to a folder with tls.crt and tls.key',
      { cause: err },
    )
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** The certificate and key to serve, or undefined for cleartext HTTP/2. */
export function serverKeyPair(tls: TlsSettings): KeyPair | undefined {
  if (!tls.enabled) return undefined
  return tls.certPath === '' ? selfSignedKeyPair() : readKeyPair(tls.certPath)
}
