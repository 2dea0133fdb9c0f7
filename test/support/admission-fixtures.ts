/**
 * What the admission webhook's tests and benchmark share: a test CA and
 * serving certificates made by deploy/kubernetes/make-certs.sh (the openssl
 * CLI), a private docker-registry holding the demo image (vulnerable to
 * Heartbleed) and a small clean image, both copied in with skopeo, the
 * demo's advisory snapshot in a fresh database, and an HTTPS client that
 * trusts only the test CA.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import type { TLSSocket } from 'node:tls';
import path from 'node:path';
import { importPaths, openAdvisoryStore } from '../../src/advisories/index.js';
import { startRegistry, type LocalRegistry } from '../integration/support/registry.js';
import { runCommand } from '../integration/support/run-command.js';

const ROOT = path.resolve(new URL('../..', import.meta.url).pathname);
export const MAKE_CERTS = path.join(ROOT, 'deploy/kubernetes/make-certs.sh');
const DEMO_IMAGE = path.join(ROOT, 'examples/demo/debian-heartbleed.tar');
const DEMO_ADVISORIES = path.join(ROOT, 'examples/demo/advisories');

export interface TestCertificates {
  readonly dir: string;
  readonly caFile: string;
  readonly certFile: string;
  readonly keyFile: string;
  readonly ca: Buffer;
}

/** Runs make-certs.sh into `dir` (re-running it issues a new serving certificate from the same CA). */
export async function makeCertificates(dir: string): Promise<TestCertificates> {
  await runCommand('sh', [MAKE_CERTS, dir, 'bulkhead', 'bulkhead-admission', 'IP:127.0.0.1', 'DNS:localhost'], { timeoutMs: 60_000 });
  return { dir, caFile: path.join(dir, 'ca.crt'), certFile: path.join(dir, 'tls.crt'), keyFile: path.join(dir, 'tls.key'), ca: await readFile(path.join(dir, 'ca.crt')) };
}

export interface HttpsAnswer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
  /** The peer certificate's serial number (which certificate the server presented). */
  readonly serial: string;
  json<T = unknown>(): T;
}

/** One request on a fresh connection (agent: false), trusting only `ca`. */
export function httpsRequest(url: string, ca: Buffer, options: { readonly method?: string; readonly body?: string | Buffer; readonly headers?: Record<string, string> } = {}): Promise<HttpsAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'POST', ca, agent: false, headers: { 'content-type': 'application/json', ...options.headers } }, (res) => {
      const chunks: Buffer[] = [];
      const serial = (res.socket as TLSSocket).getPeerCertificate().serialNumber;
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, serial, json: <T>() => JSON.parse(text) as T });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

export interface AdmissionRegistry {
  readonly registry: LocalRegistry;
  /** host:port/demo/heartbleed:1.0 — the demo image (openssl 1.0.1e, Heartbleed). */
  readonly vulnerable: string;
  readonly vulnerableDigest: string;
  /** host:port/shop/clean:1 — one layer with /etc/os-release, USER 1000, no packages. */
  readonly clean: string;
  readonly cleanDigest: string;
  stop(): Promise<void>;
}

const sha256 = (bytes: Buffer | string): string => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
const GOARCH: Readonly<Record<string, string>> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x' };

/** A one-layer OCI image layout made with the tar CLI, for the host's platform. */
async function writeCleanLayout(dir: string): Promise<void> {
  const rootfs = path.join(dir, 'rootfs');
  await mkdir(path.join(rootfs, 'etc'), { recursive: true });
  await writeFile(path.join(rootfs, 'etc/os-release'), 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nVERSION="12 (bookworm)"\nVERSION_CODENAME=bookworm\nID=debian\n');
  const layout = path.join(dir, 'layout');
  await mkdir(path.join(layout, 'blobs/sha256'), { recursive: true });
  const layerFile = path.join(dir, 'layer.tar');
  await runCommand('tar', ['--sort=name', '--owner=0', '--group=0', '--numeric-owner', '--mtime=@0', '-C', rootfs, '-cf', layerFile, '.']);
  const layer = await readFile(layerFile);
  const blob = async (bytes: Buffer | string): Promise<string> => {
    const digest = sha256(bytes);
    await writeFile(path.join(layout, 'blobs/sha256', digest.slice(7)), bytes);
    return digest;
  };
  const layerDigest = await blob(layer);
  const config = JSON.stringify({
    architecture: GOARCH[process.arch] ?? process.arch,
    os: 'linux',
    config: { User: '1000', Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'] },
    rootfs: { type: 'layers', diff_ids: [layerDigest] },
    history: [{ created_by: 'tar of /etc/os-release (admission test fixture)' }],
  });
  const configDigest = await blob(config);
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: Buffer.byteLength(config) },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: layerDigest, size: layer.length }],
  });
  const manifestDigest = await blob(manifest);
  await writeFile(path.join(layout, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  await writeFile(
    path.join(layout, 'index.json'),
    JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: manifestDigest, size: Buffer.byteLength(manifest), annotations: { 'org.opencontainers.image.ref.name': '1' } }] }),
  );
}

async function skopeoDigest(ref: string): Promise<string> {
  const { stdout } = await runCommand('skopeo', ['inspect', '--tls-verify=false', '--raw', `docker://${ref}`], { timeoutMs: 60_000 });
  return sha256(Buffer.from(stdout, 'utf8'));
}

/** Starts a private registry under `root` and copies both test images into it with skopeo. */
export async function startAdmissionRegistry(root: string): Promise<AdmissionRegistry> {
  const registry = await startRegistry({ root: path.join(root, 'registry') });
  try {
    const vulnerable = `${registry.host}/demo/heartbleed:1.0`;
    const clean = `${registry.host}/shop/clean:1`;
    await runCommand('skopeo', ['--insecure-policy', 'copy', '--dest-tls-verify=false', `docker-archive:${DEMO_IMAGE}`, `docker://${vulnerable}`], { timeoutMs: 120_000 });
    await writeCleanLayout(path.join(root, 'clean'));
    await runCommand('skopeo', ['--insecure-policy', 'copy', '--dest-tls-verify=false', `oci:${path.join(root, 'clean/layout')}:1`, `docker://${clean}`], { timeoutMs: 120_000 });
    return { registry, vulnerable, vulnerableDigest: await skopeoDigest(vulnerable), clean, cleanDigest: await skopeoDigest(clean), stop: () => registry.stop() };
  } catch (error) {
    await registry.stop();
    throw error;
  }
}

/** The demo's advisory snapshot (Heartbleed for wheezy's openssl, plus a KEV excerpt) in a fresh database. */
export function demoAdvisoryDatabase(file: string): string {
  const store = openAdvisoryStore(file);
  try {
    store.import(importPaths([DEMO_ADVISORIES]));
  } finally {
    store.close();
  }
  return file;
}
