/**
 * The Gradle lockfile cataloger: Maven artifacts pinned by Gradle dependency
 * locking. Scope follows the configurations that lock an artifact: any
 * compile or runtime classpath outside tests makes it 'prod'; artifacts only
 * locked for tests or build tooling (checkstyle, jacoco, …) are 'dev'.
 */
import { formatPurl } from '../../../domain/purl.js';
import type { CatalogContext, CatalogResult, Cataloger } from '../../cataloger.js';
import { catalogEachFile } from '../lang-shared/catalog-each-file.js';
import { locationOf } from '../lang-shared/location-of.js';
import { parseGradleLockfile } from './parse-gradle-lockfile.js';

const NAME = 'lang/java-gradle-lockfile';
const MAX_BYTES = 16 * 1024 * 1024;
const LEGACY = /\/gradle\/dependency-locks\/([^/]+)\.lockfile$/;

function isProductionConfiguration(name: string): boolean {
  return /(^|[a-z])(compileClasspath|runtimeClasspath|CompileClasspath|RuntimeClasspath)$/.test(name) && !/^test|Test[A-Z]/.test(name);
}

export const gradleLockfileCataloger: Cataloger = {
  name: NAME,
  version: 2,
  declares: true,
  ecosystems: ['maven'],
  reads: ['**/gradle.lockfile', '**/gradle/dependency-locks/*.lockfile'],
  selects: (path) => path.endsWith('/gradle.lockfile') || LEGACY.test(path),
  selectsOnly: { extensions: ['.lockfile'] },
  catalog: (ctx: CatalogContext): Promise<CatalogResult> =>
    catalogEachFile(ctx, {
      name: NAME,
      maxBytes: MAX_BYTES,
      parse: (text, file) => ({
        packages: parseGradleLockfile(text, LEGACY.exec(file.path)?.[1]).map((lock) => ({
          ecosystem: 'maven' as const,
          name: `${lock.group}:${lock.artifact}`,
          version: lock.version,
          purl: formatPurl({ type: 'maven', namespace: lock.group, name: lock.artifact, version: lock.version }),
          licenses: [],
          locations: [locationOf(file)],
          scope: lock.configurations.some(isProductionConfiguration) ? ('prod' as const) : ('dev' as const),
          metadata: { groupId: lock.group, artifactId: lock.artifact, configurations: lock.configurations.join(',') },
        })),
      }),
    }),
};
