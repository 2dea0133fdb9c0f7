/**
 * Serving certificates that follow their files: the key pair is read again
 * when either file changes (cert-manager renewals, a rotated Kubernetes
 * Secret — whose mount swaps a `..data` symlink, so the directories are
 * watched, not the files) and installed with setSecureContext: new
 * connections get the new certificate, open ones keep theirs, nothing
 * restarts. A half-written pair (key and certificate not matching yet) is
 * ignored until the next change; a slow poll backs the watchers up.
 */
import { watch, type FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createSecureContext } from 'node:tls';
import { errorMessage } from './error-message.js';

export interface CertificateFiles {
  readonly certFile: string;
  readonly keyFile: string;
}

export interface KeyPair {
  readonly cert: Buffer;
  readonly key: Buffer;
}

export interface CertificateWatch {
  close(): void;
  /** Reads the files now and installs them if they changed; resolves true when a new pair was installed. */
  reload(): Promise<boolean>;
}

export async function readKeyPair(files: CertificateFiles): Promise<KeyPair> {
  const [cert, key] = await Promise.all([readFile(files.certFile), readFile(files.keyFile)]);
  // Throws when the two do not belong together, before anything is installed.
  createSecureContext({ cert, key });
  return { cert, key };
}

export function watchCertificate(
  files: CertificateFiles,
  initial: KeyPair,
  install: (pair: KeyPair) => void,
  options: { readonly pollMs?: number; readonly onReload?: () => void; readonly onError?: (message: string) => void } = {},
): CertificateWatch {
  let current = initial;
  let pending: Promise<boolean> | undefined;
  let again = false;

  async function reloadOnce(): Promise<boolean> {
    let pair: KeyPair;
    try {
      pair = await readKeyPair(files);
    } catch (error) {
      options.onError?.(`serving certificate not reloaded (keeping the current one): ${errorMessage(error)}`);
      return false;
    }
    if (pair.cert.equals(current.cert) && pair.key.equals(current.key)) return false;
    current = pair;
    install(pair);
    options.onReload?.();
    return true;
  }

  // Events come in bursts (a Secret update touches several entries): run one reload at a time, and one more after it.
  function reload(): Promise<boolean> {
    if (pending) {
      again = true;
      return pending;
    }
    pending = reloadOnce().finally(() => {
      pending = undefined;
      if (again) {
        again = false;
        void reload();
      }
    });
    return pending;
  }

  const watchers: FSWatcher[] = [];
  for (const dir of new Set([path.dirname(path.resolve(files.certFile)), path.dirname(path.resolve(files.keyFile))])) {
    try {
      const w = watch(dir, { persistent: false }, () => void reload());
      w.on('error', () => undefined);
      watchers.push(w);
    } catch (error) {
      options.onError?.(`cannot watch ${dir} (polling only): ${errorMessage(error)}`);
    }
  }
  const timer = setInterval(() => void reload(), options.pollMs ?? 30_000);
  timer.unref();
  return {
    reload,
    close() {
      clearInterval(timer);
      for (const w of watchers) w.close();
    },
  };
}
