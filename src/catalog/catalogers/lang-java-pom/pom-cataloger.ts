/**
 * The pom.xml cataloger: Maven dependencies declared in source trees (see
 * parse-pom.ts for what one file can settle). Test-scoped dependencies are
 * scope 'dev'; optional ones 'optional'.
 *
 * pom.xml copies under a local Maven repository (~/.m2/repository) describe
 * dependencies of dependencies and are not selected.
 */
import { formatPurl } from '../../../domain/purl.js';
import type { CatalogContext, CatalogResult, Cataloger } from '../../cataloger.js';
import { catalogEachFile } from '../lang-shared/catalog-each-file.js';
import { locationOf } from '../lang-shared/location-of.js';
import { parsePom } from './parse-pom.js';

const NAME = 'lang/java-pom';
const MAX_BYTES = 16 * 1024 * 1024;

export const pomCataloger: Cataloger = {
  name: NAME,
  version: 2,
  declares: true,
  ecosystems: ['maven'],
  reads: ['**/pom.xml'],
  selects: (path) => path.endsWith('/pom.xml') && !path.includes('/.m2/repository/'),
  selectsOnly: { names: ['pom.xml'] },
  catalog: (ctx: CatalogContext): Promise<CatalogResult> =>
    catalogEachFile(ctx, {
      name: NAME,
      maxBytes: MAX_BYTES,
      parse: (text, file) => {
        const pom = parsePom(text);
        if (pom.skipped.length > 0) {
          ctx.warn(`${NAME}: ${pom.skipped.length} dependencies left out: ${pom.skipped.slice(0, 5).join('; ')}`, file.path);
        }
        return {
          packages: pom.dependencies.map((d) => ({
            ecosystem: 'maven' as const,
            name: `${d.groupId}:${d.artifactId}`,
            version: d.version,
            purl: formatPurl({
              type: 'maven',
              namespace: d.groupId,
              name: d.artifactId,
              version: d.version,
              qualifiers: { classifier: d.classifier, type: d.type === 'jar' ? undefined : d.type },
            }),
            licenses: [],
            locations: [locationOf(file)],
            scope: d.scope === 'test' ? ('dev' as const) : d.optional ? ('optional' as const) : ('prod' as const),
            metadata: {
              groupId: d.groupId,
              artifactId: d.artifactId,
              line: d.line,
              ...(d.scope ? { mavenScope: d.scope } : {}),
              ...(d.type ? { type: d.type } : {}),
              ...(d.classifier ? { classifier: d.classifier } : {}),
            },
          })),
        };
      },
    }),
};
