/**
 * Language runtimes and system libraries that images often carry outside any
 * package manager (official node/python/openjdk images build them from
 * source), recognized by the version string compiled into the file.
 *
 * Each matcher finds a literal anchor with Buffer.indexOf and only then runs a
 * short regular expression over a small window, so a 100 MB node binary costs
 * one native scan rather than a regex over the whole file.
 */
import type { FileTree } from '../../../image/file-tree.js';

export interface RuntimeIdentity {
  readonly name: string;
  readonly version: string;
  readonly identifiedBy: 'version-string' | 'release-file';
  /** The text that gave the version away, for reviewers. */
  readonly evidence: string;
  readonly extra?: Readonly<Record<string, string>>;
}

export interface RuntimeMatcher {
  readonly name: string;
  readonly selects: (path: string) => boolean;
  /** Largest file worth reading for this runtime. */
  readonly maxBytes: number;
  readonly identify: (data: Buffer, path: string, tree: FileTree) => RuntimeIdentity | undefined;
}

const MB = 1024 * 1024;
const WINDOW = 160;
const MAX_ANCHOR_HITS = 256;

/** First anchored match of `re` (which must start with ^) at one of the anchor's occurrences. */
function findAnchored(data: Buffer, anchor: string, re: RegExp): RegExpExecArray | undefined {
  const needle = Buffer.from(anchor, 'latin1');
  let from = 0;
  for (let hits = 0; hits < MAX_ANCHOR_HITS; hits++) {
    const at = data.indexOf(needle, from);
    if (at < 0) return undefined;
    const m = re.exec(data.toString('latin1', at, Math.min(data.length, at + WINDOW)));
    if (m) return m;
    from = at + 1;
  }
  return undefined;
}

const versionString = (name: string, anchor: string, re: RegExp) => (data: Buffer): RuntimeIdentity | undefined => {
  const m = findAnchored(data, anchor, re);
  return m?.[1] ? { name, version: m[1], identifiedBy: 'version-string', evidence: m[0].replace(/\0/g, '') } : undefined;
};

const node: RuntimeMatcher = {
  name: 'node',
  maxBytes: 256 * MB,
  selects: (p) =>
    /^\/usr\/(?:local\/)?bin\/node(?:js)?$/.test(p) ||
    /^\/(?:root|home\/[^/]+)\/\.nvm\/versions\/node\/[^/]+\/bin\/node$/.test(p) ||
    /^\/(?:opt|usr\/local\/lib\/nodejs)\/.+\/bin\/node$/.test(p),
  identify: versionString('node', 'node.js/v', /^node\.js\/v(\d+\.\d+\.\d+)/),
};

const PYTHON_BIN = /^\/(?:usr\/(?:local\/)?|opt\/.+\/)?bin\/python(3\.\d+)$/;
const LIBPYTHON = /\/libpython(3\.\d+)\.so(?:\.[\d.]+)?$/;
const python: RuntimeMatcher = {
  name: 'python',
  maxBytes: 128 * MB,
  selects: (p) => PYTHON_BIN.test(p) || LIBPYTHON.test(p),
  identify: (data, path) => {
    // PY_VERSION is a NUL-terminated literal; the file name says which minor release to look for.
    const minor = PYTHON_BIN.exec(path)?.[1] ?? LIBPYTHON.exec(path)?.[1];
    if (!minor) return undefined;
    const re = new RegExp(`^\\0(${minor.replace('.', '\\.')}\\.\\d+(?:(?:a|b|rc)\\d+)?)\\0`);
    return versionString('python', `\0${minor}.`, re)(data);
  },
};

const openssl: RuntimeMatcher = {
  name: 'openssl',
  maxBytes: 64 * MB,
  // libssl of OpenSSL 3 carries no version text (libcrypto does); 1.x libssl does.
  selects: (p) => /\/lib(?:ssl|crypto)\.so(?:\.\d[\da-z.]*)?$/.test(p),
  identify: versionString('openssl', 'OpenSSL ', /^OpenSSL (\d+\.\d+\.\d+[a-z]{0,2})(?:-\w+)? {1,2}\d{1,2} [A-Z][a-z]{2} \d{4}/),
};

const busybox: RuntimeMatcher = {
  name: 'busybox',
  maxBytes: 16 * MB,
  selects: (p) => /^\/(?:usr\/)?s?bin\/busybox$/.test(p),
  identify: versionString('busybox', 'BusyBox v', /^BusyBox v(\d+\.\d+\.\d+)/),
};

/** The JDK home holding a libjvm.so: .../lib/server/libjvm.so or Java 8's .../jre/lib/<arch>/server/libjvm.so. */
function javaHomeOf(libjvm: string): string | undefined {
  return /^(.*?)(?:\/jre)?\/lib\/(?:[^/]+\/)?server\/libjvm\.so$/.exec(libjvm)?.[1];
}

const javaRelease: RuntimeMatcher = {
  name: 'openjdk',
  maxBytes: 64 * 1024,
  selects: (p) => p.endsWith('/release') && /jdk|jre|java|jvm/i.test(p.slice(0, -'/release'.length)),
  identify: (data) => {
    const fields = new Map<string, string>();
    for (const line of data.toString('utf8').split('\n')) {
      const m = /^([A-Z_]+)="?(.*?)"?\s*$/.exec(line);
      if (m?.[1] && m[2] !== undefined) fields.set(m[1], m[2]);
    }
    const version = fields.get('JAVA_VERSION');
    if (!version || !/^\d[\w.+-]*$/.test(version)) return undefined;
    const extra: Record<string, string> = {};
    for (const [k, key] of [
      ['IMPLEMENTOR', 'implementor'],
      ['JAVA_RUNTIME_VERSION', 'runtimeVersion'],
      ['IMPLEMENTOR_VERSION', 'implementorVersion'],
    ] as const) {
      const v = fields.get(k);
      if (v) extra[key] = v;
    }
    return { name: 'openjdk', version, identifiedBy: 'release-file', evidence: `JAVA_VERSION="${version}"`, extra };
  },
};

const libjvm: RuntimeMatcher = {
  name: 'openjdk',
  maxBytes: 64 * MB,
  selects: (p) => p.endsWith('/libjvm.so') && javaHomeOf(p) !== undefined,
  identify: (data, path, tree) => {
    const home = javaHomeOf(path);
    // The JDK's release file, when present, is the better witness and is reported instead.
    if (home !== undefined && tree.get(`${home}/release`)) return undefined;
    const m = findAnchored(data, ' VM (', /^ VM \(([^()\s]{1,80})\) for /);
    const runtime = m?.[1];
    // Java 8's libjvm names the HotSpot build (25.392-b08), not the JDK release: no version to report.
    if (!runtime || /^\d\d\.\d+-b\d+$/.test(runtime)) return undefined;
    const version = runtime.split('+')[0] ?? runtime;
    return { name: 'openjdk', version, identifiedBy: 'version-string', evidence: m[0], extra: { runtimeVersion: runtime } };
  },
};

export const RUNTIME_MATCHERS: readonly RuntimeMatcher[] = [node, python, openssl, busybox, javaRelease, libjvm];
