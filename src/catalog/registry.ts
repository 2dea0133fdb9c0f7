/**
 * The explicit list of catalogers, and `--catalogers` selection:
 * comma-separated names or name prefixes (`os`, `lang/npm`), `-name` to
 * exclude. Without a selection every cataloger runs.
 */
import { BadInputError } from '../domain/errors.js';
import type { Cataloger } from './cataloger.js';
import { dpkgCataloger } from './catalogers/os-dpkg/index.js';
import { apkCataloger } from './catalogers/os-apk/index.js';
import { rpmCataloger } from './catalogers/os-rpm/index.js';
import { npmInstalledCataloger } from './catalogers/lang-npm-installed/index.js';
import { npmLockCataloger } from './catalogers/lang-npm-lock/index.js';
import { yarnLockCataloger } from './catalogers/lang-npm-yarn-lock/index.js';
import { pnpmLockCataloger } from './catalogers/lang-npm-pnpm-lock/index.js';
import { pythonInstalledCataloger } from './catalogers/lang-python-installed/index.js';
import { poetryLockCataloger } from './catalogers/lang-python-poetry-lock/index.js';
import { pipfileLockCataloger } from './catalogers/lang-python-pipfile-lock/index.js';
import { uvLockCataloger } from './catalogers/lang-python-uv-lock/index.js';
import { pythonRequirementsCataloger } from './catalogers/lang-python-requirements/index.js';
import { gemspecCataloger } from './catalogers/lang-ruby-gemspec/index.js';
import { gemfileLockCataloger } from './catalogers/lang-ruby-gemfile-lock/index.js';
import { composerInstalledCataloger, composerLockCataloger } from './catalogers/lang-php-composer/index.js';
import { cargoLockCataloger } from './catalogers/lang-rust-cargo-lock/index.js';
import { dotnetDepsJsonCataloger } from './catalogers/lang-dotnet-deps-json/index.js';
import { dotnetPackagesLockCataloger } from './catalogers/lang-dotnet-packages-lock/index.js';
import { goBinaryCataloger } from './catalogers/lang-go-binary/index.js';
import { goModCataloger } from './catalogers/lang-go-mod/index.js';
import { javaArchiveCataloger } from './catalogers/lang-java-archive/index.js';
import { pomCataloger } from './catalogers/lang-java-pom/index.js';
import { gradleLockfileCataloger } from './catalogers/lang-java-gradle-lockfile/index.js';
import { rustAuditableCataloger } from './catalogers/lang-rust-auditable/index.js';
import { binaryRuntimesCataloger } from './catalogers/binary-runtimes/index.js';

/** OS catalogers first: later stages treat what they own as claimed. */
export const CATALOGERS: readonly Cataloger[] = [
  dpkgCataloger,
  apkCataloger,
  rpmCataloger,
  npmInstalledCataloger,
  npmLockCataloger,
  yarnLockCataloger,
  pnpmLockCataloger,
  pythonInstalledCataloger,
  poetryLockCataloger,
  pipfileLockCataloger,
  uvLockCataloger,
  pythonRequirementsCataloger,
  gemspecCataloger,
  gemfileLockCataloger,
  composerLockCataloger,
  composerInstalledCataloger,
  cargoLockCataloger,
  dotnetDepsJsonCataloger,
  dotnetPackagesLockCataloger,
  goBinaryCataloger,
  goModCataloger,
  javaArchiveCataloger,
  pomCataloger,
  gradleLockfileCataloger,
  rustAuditableCataloger,
  binaryRuntimesCataloger,
];

function matches(cataloger: Cataloger, term: string): boolean {
  return cataloger.name === term || cataloger.name.startsWith(`${term}/`) || cataloger.name.startsWith(`${term}-`);
}

export function selectCatalogers(terms: readonly string[] = [], all: readonly Cataloger[] = CATALOGERS): Cataloger[] {
  const parts = terms.flatMap((t) => t.split(',')).map((t) => t.trim()).filter(Boolean);
  const include = parts.filter((t) => !t.startsWith('-'));
  const exclude = parts.filter((t) => t.startsWith('-')).map((t) => t.slice(1));
  for (const term of [...include, ...exclude]) {
    if (!all.some((c) => matches(c, term))) {
      throw new BadInputError(`unknown cataloger "${term}": run "bulkhead catalogers" to list them`);
    }
  }
  return all.filter(
    (c) => (include.length === 0 || include.some((t) => matches(c, t))) && !exclude.some((t) => matches(c, t)),
  );
}
