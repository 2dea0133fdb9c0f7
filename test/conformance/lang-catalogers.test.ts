/**
 * Conformance of the text-format language catalogers against real upstream
 * test data: google/osv-scalibr's extractor fixtures with the packages its
 * tests expect, and anchore/syft's python site-packages fixtures. Each case's
 * fixture is placed at a realistic path in a memory file tree, the cataloger
 * runs as in a scan, and name + version (+ the dev group where upstream
 * records one) are compared. Recall is reported per format.
 *
 * Deliberate differences (each also stated where it is configured below):
 * - Gemfile.lock: we also report the Bundler version of BUNDLED WITH.
 * - deps.json: a library of type "project" (the application) is not a NuGet package.
 * - pnpm v9 and uv.lock: dev flags are not compared, because upstream leaves
 *   groups empty (pnpm v9) or sets them on direct dependencies only (uv).
 * - gemspec: cases whose version lives in an omitted Ruby file are not run.
 * - python: names compare PEP 503-normalized; we report the name as published
 *   ("Pygments"), syft lower-cases it.
 * - malformed files: upstream returns an error; we record a warning and go on,
 *   and the test asserts that warning.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { Cataloger } from '../../src/catalog/cataloger.js';
import { memoryFileTree, memoryFileTreeFromDirectory } from '../../src/catalog/catalogers/testing/memory-file-tree.js';
import { runCataloger } from '../../src/catalog/catalogers/testing/run-cataloger.js';
import { npmLockCataloger } from '../../src/catalog/catalogers/lang-npm-lock/index.js';
import { yarnLockCataloger } from '../../src/catalog/catalogers/lang-npm-yarn-lock/index.js';
import { pnpmLockCataloger } from '../../src/catalog/catalogers/lang-npm-pnpm-lock/index.js';
import { normalizePypiName } from '../../src/catalog/catalogers/lang-python/index.js';
import { poetryLockCataloger } from '../../src/catalog/catalogers/lang-python-poetry-lock/index.js';
import { pipfileLockCataloger } from '../../src/catalog/catalogers/lang-python-pipfile-lock/index.js';
import { uvLockCataloger } from '../../src/catalog/catalogers/lang-python-uv-lock/index.js';
import { composerLockCataloger } from '../../src/catalog/catalogers/lang-php-composer/index.js';
import { gemfileLockCataloger } from '../../src/catalog/catalogers/lang-ruby-gemfile-lock/index.js';
import { gemspecCataloger } from '../../src/catalog/catalogers/lang-ruby-gemspec/index.js';
import { cargoLockCataloger } from '../../src/catalog/catalogers/lang-rust-cargo-lock/index.js';
import { dotnetDepsJsonCataloger } from '../../src/catalog/catalogers/lang-dotnet-deps-json/index.js';
import { pythonInstalledCataloger } from '../../src/catalog/catalogers/lang-python-installed/index.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const testdata = path.resolve(repoRoot, '../shared/testdata');
const scalibr = path.join(testdata, 'package-dbs/osv-scalibr/language');
const present = existsSync(scalibr);
if (!present && process.env.CI === 'true') {
  throw new Error(`conformance data missing at ${scalibr}; CI must have ../shared/testdata`);
}

interface Format {
  readonly label: string;
  /** Expectation file, relative to osv-scalibr/language. */
  readonly expected: string;
  readonly cataloger: Cataloger;
  /** Where a fixture of another name is placed so the cataloger selects it. */
  readonly canonicalPath: string;
  /** Whether upstream records dependency groups for this format (then dev is compared). */
  readonly groupsGiven: boolean;
  readonly normalizeName?: (name: string) => string;
  /** A deliberate difference: an upstream package we do not report, and why. */
  readonly allowMissing?: { readonly test: (id: string) => boolean; readonly why: string };
  /** A deliberate difference: a package we report that upstream does not, and why. */
  readonly allowExtra?: { readonly test: (id: string) => boolean; readonly why: string };
}

const FORMATS: readonly Format[] = [
  { label: 'package-lock v1', expected: 'javascript/packagelockjson/expected/packagelockjson-v1.TestNPMLockExtractor_Extract_V1.json', cataloger: npmLockCataloger, canonicalPath: '/app/package-lock.json', groupsGiven: true },
  { label: 'package-lock v2/v3', expected: 'javascript/packagelockjson/expected/packagelockjson-v2.TestNPMLockExtractor_Extract_V2.json', cataloger: npmLockCataloger, canonicalPath: '/app/package-lock.json', groupsGiven: true },
  { label: 'npm-shrinkwrap', expected: 'javascript/packagelockjson/expected/packagelockjson.TestExtractor_Extract_Shrinkwrap_JSON.json', cataloger: npmLockCataloger, canonicalPath: '/app/package-lock.json', groupsGiven: true },
  { label: 'yarn.lock v1', expected: 'javascript/yarnlock/expected/yarnlock-v1.TestExtractor_Extract_v1.json', cataloger: yarnLockCataloger, canonicalPath: '/app/yarn.lock', groupsGiven: false },
  { label: 'yarn.lock v2+', expected: 'javascript/yarnlock/expected/yarnlock-v2.TestExtractor_Extract_v2.json', cataloger: yarnLockCataloger, canonicalPath: '/app/yarn.lock', groupsGiven: false },
  { label: 'pnpm-lock v5/v6', expected: 'javascript/pnpmlock/expected/pnpmlock.TestExtractor_Extract.json', cataloger: pnpmLockCataloger, canonicalPath: '/app/pnpm-lock.yaml', groupsGiven: true },
  // osv-scalibr does not derive groups for v9 (every DepGroupVals is empty); we do, from the importers.
  { label: 'pnpm-lock v9', expected: 'javascript/pnpmlock/expected/pnpmlock-v9.TestExtractor_Extract_v9.json', cataloger: pnpmLockCataloger, canonicalPath: '/app/pnpm-lock.yaml', groupsGiven: false },
  { label: 'poetry.lock', expected: 'python/poetrylock/expected/poetrylock.TestExtractor_Extract.json', cataloger: poetryLockCataloger, canonicalPath: '/app/poetry.lock', groupsGiven: true, normalizeName: normalizePypiName },
  { label: 'Pipfile.lock', expected: 'python/pipfilelock/expected/pipfilelock.TestExtractor_Extract.json', cataloger: pipfileLockCataloger, canonicalPath: '/app/Pipfile.lock', groupsGiven: true, normalizeName: normalizePypiName },
  // osv-scalibr labels only the project's direct dependencies with the extra or
  // group that names them (black: [dev, test]) and leaves transitive ones empty;
  // we derive scope by reachability from the project, so dev flags are not comparable.
  { label: 'composer.lock', expected: 'php/composerlock/expected/composerlock.TestExtractor_Extract.json', cataloger: composerLockCataloger, canonicalPath: '/app/composer.lock', groupsGiven: true },
  {
    label: 'Gemfile.lock', expected: 'ruby/gemfilelock/expected/gemfilelock.TestExtractor_Extract.json', cataloger: gemfileLockCataloger, canonicalPath: '/app/Gemfile.lock', groupsGiven: false,
    allowExtra: { test: (id) => id.startsWith('bundler@'), why: 'we also report the Bundler of BUNDLED WITH: it runs the application and has advisories of its own' },
  },
  { label: 'gemspec', expected: 'ruby/gemspec/expected/gemspec.TestExtract.json', cataloger: gemspecCataloger, canonicalPath: '/usr/local/bundle/specifications/fixture.gemspec', groupsGiven: false },
  { label: 'Cargo.lock', expected: 'rust/cargolock/expected/cargolock.TestExtractor_Extract.json', cataloger: cargoLockCataloger, canonicalPath: '/src/Cargo.lock', groupsGiven: false },
  {
    label: 'deps.json', expected: 'dotnet/depsjson/expected/depsjson.TestExtract.json', cataloger: dotnetDepsJsonCataloger, canonicalPath: '/app/TestLibrary.deps.json', groupsGiven: false,
    allowMissing: { test: (id) => id === 'TestLibrary@1.0.0', why: 'a library of type "project" is the application itself, not a NuGet package; only type "package" is reported' },
  },
  { label: 'uv.lock', expected: 'python/uvlock/expected/uvlock.TestExtractor_Extract.json', cataloger: uvLockCataloger, canonicalPath: '/app/uv.lock', groupsGiven: false, normalizeName: normalizePypiName },
];

interface Want {
  readonly name: string;
  readonly version: string;
  readonly groups?: readonly string[];
}
interface Case {
  readonly name: string;
  readonly fixture: string;
  readonly want: readonly Want[];
  readonly wantErr: boolean;
}

function loadCases(file: string): Case[] {
  const doc = JSON.parse(readFileSync(file, 'utf8')) as { cases: Record<string, unknown>[]; omittedInputs?: { affectedCases?: string[] } };
  // Cases whose inputs were not copied (gemspecs whose version lives in a Ruby file) cannot be run.
  const omitted = new Set(doc.omittedInputs?.affectedCases ?? []);
  return doc.cases.filter((c) => !omitted.has(String(c.Name ?? c.name))).flatMap((c) => {
    const input = (c.InputConfig ?? c.inputConfig) as { Path?: string } | undefined;
    const fixture = input?.Path ?? (c.path as string | undefined);
    if (fixture === undefined) return [];
    const wantRaw = (c.WantPackages ?? c.wantPackages ?? []) as { Name: string; Version: string; Metadata?: { DepGroupVals?: string[] } }[];
    return [
      {
        name: String(c.Name ?? c.name),
        fixture,
        want: wantRaw.map((p) => ({
          name: p.Name,
          version: p.Version ?? '',
          ...(p.Metadata?.DepGroupVals ? { groups: p.Metadata.DepGroupVals } : {}),
        })),
        wantErr: Boolean(c.WantErr ?? c.wantErr),
      },
    ];
  });
}

const recall = new Map<string, { found: number; total: number; cases: number; errCases: number; errWarned: number; extra: number }>();

afterAll(() => {
  if (recall.size === 0) return;
  const lines = [...recall].map(
    ([label, r]) =>
      `${label.padEnd(22)} recall ${r.found}/${r.total} (${r.total === 0 ? '100.0' : ((100 * r.found) / r.total).toFixed(1)}%)` +
      ` over ${r.cases} cases; extra ${r.extra}; malformed-file cases warned ${r.errWarned}/${r.errCases}`,
  );
  console.log(`lang-catalogers conformance\n${lines.join('\n')}`);
});

async function treeFor(format: Format, fixtureAbs: string) {
  const base = path.basename(fixtureAbs);
  if (statSync(fixtureAbs).isDirectory()) return { tree: await memoryFileTreeFromDirectory(fixtureAbs, path.posix.dirname(format.canonicalPath)), path: undefined };
  const mountDir = path.posix.dirname(format.canonicalPath);
  if (format.cataloger.selects(path.posix.join(mountDir, base))) {
    // The fixture has a real name (package-lock.json beside npm-shrinkwrap.json): keep its siblings.
    return { tree: await memoryFileTreeFromDirectory(path.dirname(fixtureAbs), mountDir), path: path.posix.join(mountDir, base) };
  }
  return { tree: memoryFileTree({ [format.canonicalPath]: readFileSync(fixtureAbs) }), path: format.canonicalPath };
}

const key = (norm: (n: string) => string, name: string, version: string): string => `${norm(name)}@${version}`;

describe.skipIf(!present)('language catalogers against osv-scalibr and syft fixtures', () => {
  for (const format of FORMATS) {
    const expectedFile = path.join(scalibr, format.expected);
    const extractorDir = path.resolve(path.dirname(expectedFile), '..');
    const cases = present ? loadCases(expectedFile) : [];
    const norm = format.normalizeName ?? ((n: string) => n);
    describe(format.label, () => {
      for (const c of cases) {
        it(`${c.name} (${c.fixture})`, async () => {
          const stats = recall.get(format.label) ?? { found: 0, total: 0, cases: 0, errCases: 0, errWarned: 0, extra: 0 };
          recall.set(format.label, stats);
          const { tree, path: only } = await treeFor(format, path.join(extractorDir, c.fixture));
          const out = await runCataloger(format.cataloger, tree);
          const ours = out.packages.filter((p) => only === undefined || p.locations.some((l) => l.path === only));
          stats.cases += 1;
          if (c.wantErr) {
            stats.errCases += 1;
            if (out.warnings.length > 0) stats.errWarned += 1;
            expect(out.warnings.length, 'a malformed file is reported as a warning').toBeGreaterThan(0);
          }
          const remaining = ours.map((p) => ({ id: key(norm, p.name, p.version), dev: p.scope === 'dev', used: false }));
          const missing: string[] = [];
          const devMismatch: string[] = [];
          for (const w of c.want) {
            stats.total += 1;
            const id = key(norm, w.name, w.version);
            const wantDev = (w.groups ?? []).includes('dev');
            const match =
              remaining.find((r) => !r.used && r.id === id && (!format.groupsGiven || r.dev === wantDev)) ??
              remaining.find((r) => !r.used && r.id === id);
            if (match === undefined) {
              missing.push(id);
              continue;
            }
            match.used = true;
            stats.found += 1;
            if (format.groupsGiven && match.dev !== wantDev) devMismatch.push(`${id} dev=${match.dev} want ${wantDev}`);
          }
          const extra = remaining.filter((r) => !r.used).map((r) => r.id);
          stats.extra += extra.length;
          const allowMissing = format.allowMissing;
          const allowExtra = format.allowExtra;
          expect({
            missing: missing.filter((id) => !allowMissing?.test(id)),
            extra: extra.filter((id) => !allowExtra?.test(id)),
            devMismatch,
          }).toEqual({ missing: [], extra: [], devMismatch: [] });
        });
      }
    });
  }
});

const syftPython = path.join(testdata, 'package-dbs/syft/python');
const SITE = '/usr/lib/python3/dist-packages';

describe.skipIf(!present)('python installed packages against syft fixtures', () => {
  const installed = present
    ? (JSON.parse(readFileSync(path.join(syftPython, 'expected/Test_InstalledPackageCataloger.json'), 'utf8')) as {
        cases: { name: string; fixture: string; expectedPackages: { Name: string; Version?: string }[] }[];
      }).cases
    : [];
  for (const c of installed) {
    it(`${c.name} (${c.fixture})`, async () => {
      const fixture = path.join(syftPython, c.fixture);
      // The fixture directory keeps its own name inside site-packages (partial.dist-info must stay one).
      const tree = await memoryFileTreeFromDirectory(fixture, path.posix.join(SITE, path.basename(fixture)));
      const out = await runCataloger(pythonInstalledCataloger, tree);
      const stats = recall.get('python installed') ?? { found: 0, total: 0, cases: 0, errCases: 0, errWarned: 0, extra: 0 };
      recall.set('python installed', stats);
      stats.cases += 1;
      const ours = out.packages.map((p) => key(normalizePypiName, p.name, p.version));
      const want = c.expectedPackages.map((p) => key(normalizePypiName, p.Name, p.Version ?? ''));
      stats.total += want.length;
      stats.found += want.filter((w) => ours.includes(w)).length;
      stats.extra += ours.filter((o) => !want.includes(o)).length;
      expect(ours.sort()).toEqual(want.sort());
    });
  }

  const metadata = present
    ? (JSON.parse(readFileSync(path.join(syftPython, 'expected/TestParseWheelEggMetadata.json'), 'utf8')) as {
        cases: { Fixture: string; ExpectedMetadata: { Licenses: string; PythonPackage: { Name: string; Version: string } } }[];
      }).cases
    : [];
  for (const c of metadata) {
    it(`core metadata of ${c.Fixture}`, async () => {
      const rel = path.relative('testdata/site-packages', c.Fixture);
      const tree = memoryFileTree({ [path.posix.join(SITE, rel)]: readFileSync(path.join(syftPython, c.Fixture)) });
      const out = await runCataloger(pythonInstalledCataloger, tree);
      expect(out.packages.map((p) => ({ name: p.name, version: p.version, licenses: p.licenses }))).toEqual([
        { name: c.ExpectedMetadata.PythonPackage.Name, version: c.ExpectedMetadata.PythonPackage.Version, licenses: [c.ExpectedMetadata.Licenses] },
      ]);
    });
  }
});

describe.skipIf(present)('language catalogers conformance data', () => {
  it('is skipped: ../shared/testdata is not present next to the repository', () => {
    console.warn(`skipping lang-catalogers conformance: ${scalibr} not found`);
  });
});
