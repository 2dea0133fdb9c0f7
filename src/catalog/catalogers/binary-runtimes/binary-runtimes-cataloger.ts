/**
 * The runtime-binaries cataloger: node, python, OpenSSL, OpenJDK and BusyBox
 * found as files rather than as packages, identified by the version strings
 * compiled into them (or a JDK's `release` file). Ecosystem 'binary', purl
 * pkg:generic/<name>@<version> — generic, because the same upstream release
 * is shipped by many builders and no package type names it.
 *
 * Many such files also belong to an OS package (Debian's libcrypto, the
 * python3.11 binary); the integrator drops those whose location is owned by
 * a package database, which is why each package's location is the exact file.
 */
import { LimitExceededError } from '../../../domain/errors.js';
import { formatPurl } from '../../../domain/purl.js';
import type { CatalogContext, CatalogResult, Cataloger, PackageDraft } from '../../cataloger.js';
import { locationOf } from '../lang-shared/location-of.js';
import { RUNTIME_MATCHERS } from './runtime-matchers.js';

const NAME = 'binary/runtimes';

export const binaryRuntimesCataloger: Cataloger = {
  name: NAME,
  version: 1,
  ecosystems: ['binary'],
  reads: [
    'node: /usr/bin/node, /usr/local/bin/node, nvm and /opt installs',
    'python: bin/python3.X, libpython3.X.so*',
    'openssl: libssl.so*, libcrypto.so*',
    'openjdk: <JDK>/release, <JDK>/lib/server/libjvm.so',
    'busybox: /bin/busybox',
  ],
  // A loop, not some() with a closure over the path: this runs for every path of every layer.
  selects: (path) => {
    for (const matcher of RUNTIME_MATCHERS) if (matcher.selects(path)) return true;
    return false;
  },
  // catalog() asks the first matcher that selects a file, so that one says what of it to keep.
  reduce: (path, content) => {
    const matcher = RUNTIME_MATCHERS.find((m) => m.selects(path));
    return matcher?.reduce ? matcher.reduce(content, path) : content;
  },
  async catalog(ctx: CatalogContext): Promise<CatalogResult> {
    const packages: PackageDraft[] = [];
    for (const file of ctx.files) {
      if (file.type !== 'file' && file.type !== 'hardlink') continue;
      const matcher = RUNTIME_MATCHERS.find((m) => m.selects(file.path));
      if (!matcher) continue;
      try {
        const limit = Math.min(matcher.maxBytes, ctx.maxFileBytes);
        const size = ctx.tree.get(file.path)?.size ?? file.size;
        if (size > limit) throw new LimitExceededError(`skipped, ${size} bytes is more than the ${limit}-byte limit`);
        const id = matcher.identify(await ctx.tree.read(file.path, limit), file.path, ctx.tree);
        if (!id) continue;
        packages.push({
          ecosystem: 'binary',
          name: id.name,
          version: id.version,
          purl: formatPurl({ type: 'generic', name: id.name, version: id.version }),
          licenses: [],
          locations: [locationOf(file)],
          confidence: 'medium',
          metadata: { identifiedBy: id.identifiedBy, evidence: id.evidence, ...id.extra },
        });
      } catch (error) {
        ctx.warn(`${NAME}: ${(error as Error).message}`, file.path);
      }
    }
    return { packages };
  },
};
