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
  /**
   * The few bytes identify() needs (Cataloger.reduce): a copy of the window
   * its anchored match was found in, empty when nothing matched. identify()
   * on that window finds the anchor at 0 and sees the same text, so it
   * answers as on the whole file, while a 20 MB library is not held in memory.
   */
  readonly reduce?: (data: Buffer, path: string) => Buffer;
}

const MB = 1024 * 1024;
const WINDOW = 160;
const MAX_ANCHOR_HITS = 256;

/** Offset of the first anchor occurrence where `re` (which must start with ^) matches the window there. */
function anchoredAt(data: Buffer, anchor: string, re: RegExp): number | undefined {
  const needle = Buffer.from(anchor, 'latin1');
  let from = 0;
  for (let hits = 0; hits < MAX_ANCHOR_HITS; hits++) {
    const at = data.indexOf(needle, from);
    if (at < 0) return undefined;
    if (re.test(data.toString('latin1', at, Math.min(data.length, at + WINDOW)))) return at;
    from = at + 1;
  }
  return undefined;
}

/** First anchored match of `re` at one of the anchor's occurrences. */
function findAnchored(data: Buffer, anchor: string, re: RegExp): RegExpExecArray | undefined {
  const at = anchoredAt(data, anchor, re);
  return at === undefined ? undefined : (re.exec(data.toString('latin1', at, Math.min(data.length, at + WINDOW))) ?? undefined);
}

/** A copy (the original is large and about to be dropped) of the window findAnchored would match in, or nothing. */
function anchoredWindow(data: Buffer, anchor: string, re: RegExp): Buffer {
  const at = anchoredAt(data, anchor, re);
  return at === undefined ? Buffer.alloc(0) : Buffer.from(data.subarray(at, Math.min(data.length, at + WINDOW)));
}

const versionString = (name: string, anchor: string, re: RegExp) => (data: Buffer): RuntimeIdentity | undefined => {
  const m = findAnchored(data, anchor, re);
  return m?.[1] ? { name, version: m[1], identifiedBy: 'version-string', evidence: m[0].replace(/\0/g, '') } : undefined;
};

const NODE_VERSION = /^node\.js\/v(\d+\.\d+\.\d+)/;
const node: RuntimeMatcher = {
  name: 'node',
  maxBytes: 256 * MB,
  selects: (p) =>
    // Every alternative ends in /node or /nodejs: the cheap test first, as selects runs for every path.
    (p.endsWith('/node') || p.endsWith('/nodejs')) &&
    (/^\/usr\/(?:local\/)?bin\/node(?:js)?$/.test(p) ||
    /^\/(?:root|home\/[^/]+)\/\.nvm\/versions\/node\/[^/]+\/bin\/node$/.test(p) ||
    /^\/(?:opt|usr\/local\/lib\/nodejs)\/.+\/bin\/node$/.test(p)),
  identify: versionString('node', 'node.js/v', NODE_VERSION),
  reduce: (data) => anchoredWindow(data, 'node.js/v', NODE_VERSION),
};

const PYTHON_BIN = /^\/(?:usr\/(?:local\/)?|opt\/.+\/)?bin\/python(3\.\d+)$/;
const LIBPYTHON = /\/libpython(3\.\d+)\.so(?:\.[\d.]+)?$/;
/** PY_VERSION is a NUL-terminated literal; the file name says which minor release to look for. */
function pythonVersionQuery(path: string): { anchor: string; re: RegExp } | undefined {
  const minor = PYTHON_BIN.exec(path)?.[1] ?? LIBPYTHON.exec(path)?.[1];
  if (!minor) return undefined;
  return { anchor: `\0${minor}.`, re: new RegExp(`^\\0(${minor.replace('.', '\\.')}\\.\\d+(?:(?:a|b|rc)\\d+)?)\\0`) };
}

const python: RuntimeMatcher = {
  name: 'python',
  maxBytes: 128 * MB,
  selects: (p) => p.includes('python3.') && (PYTHON_BIN.test(p) || LIBPYTHON.test(p)),
  identify: (data, path) => {
    const query = pythonVersionQuery(path);
    return query ? versionString('python', query.anchor, query.re)(data) : undefined;
  },
  reduce: (data, path) => {
    const query = pythonVersionQuery(path);
    return query ? anchoredWindow(data, query.anchor, query.re) : Buffer.alloc(0);
  },
};

const OPENSSL_VERSION = /^OpenSSL (\d+\.\d+\.\d+[a-z]{0,2})(?:-\w+)? {1,2}\d{1,2} [A-Z][a-z]{2} \d{4}/;
const openssl: RuntimeMatcher = {
  name: 'openssl',
  maxBytes: 64 * MB,
  // libssl of OpenSSL 3 carries no version text (libcrypto does); 1.x libssl does.
  selects: (p) => p.includes('.so') && /\/lib(?:ssl|crypto)\.so(?:\.\d[\da-z.]*)?$/.test(p),
  identify: versionString('openssl', 'OpenSSL ', OPENSSL_VERSION),
  reduce: (data) => anchoredWindow(data, 'OpenSSL ', OPENSSL_VERSION),
};

const BUSYBOX_VERSION = /^BusyBox v(\d+\.\d+\.\d+)/;
const busybox: RuntimeMatcher = {
  name: 'busybox',
  maxBytes: 16 * MB,
  selects: (p) => p.endsWith('/busybox') && /^\/(?:usr\/)?s?bin\/busybox$/.test(p),
  identify: versionString('busybox', 'BusyBox v', BUSYBOX_VERSION),
  reduce: (data) => anchoredWindow(data, 'BusyBox v', BUSYBOX_VERSION),
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

const JVM_VERSION = /^ VM \(([^()\s]{1,80})\) for /;
const libjvm: RuntimeMatcher = {
  name: 'openjdk',
  maxBytes: 64 * MB,
  selects: (p) => p.endsWith('/libjvm.so') && javaHomeOf(p) !== undefined,
  identify: (data, path, tree) => {
    const home = javaHomeOf(path);
    // The JDK's release file, when present, is the better witness and is reported instead.
    if (home !== undefined && tree.get(`${home}/release`)) return undefined;
    const m = findAnchored(data, ' VM (', JVM_VERSION);
    const runtime = m?.[1];
    // Java 8's libjvm names the HotSpot build (25.392-b08), not the JDK release: no version to report.
    if (!runtime || /^\d\d\.\d+-b\d+$/.test(runtime)) return undefined;
    const version = runtime.split('+')[0] ?? runtime;
    return { name: 'openjdk', version, identifiedBy: 'version-string', evidence: m[0], extra: { runtimeVersion: runtime } };
  },
  reduce: (data) => anchoredWindow(data, ' VM (', JVM_VERSION),
};

export const RUNTIME_MATCHERS: readonly RuntimeMatcher[] = [node, python, openssl, busybox, javaRelease, libjvm];
