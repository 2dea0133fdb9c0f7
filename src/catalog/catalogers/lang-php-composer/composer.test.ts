import { describe, expect, it } from 'vitest';
import { memoryFileTree } from '../testing/memory-file-tree.js';
import { runCataloger } from '../testing/run-cataloger.js';
import { composerInstalledCataloger, composerLockCataloger } from './index.js';

const pkg = (name: string, version: string, extra: object = {}) => ({ name, version, type: 'library', ...extra });

describe('lang/composer', () => {
  it('reads composer.lock packages and packages-dev, licenses and require edges', async () => {
    const lock = {
      packages: [pkg('monolog/monolog', '3.5.0', { license: ['MIT'], require: { php: '>=8.1', 'psr/log': '^2.0 || ^3.0', 'ext-json': '*' } }), pkg('psr/log', '3.0.0')],
      'packages-dev': [pkg('phpunit/phpunit', '10.5.9', { license: ['BSD-3-Clause'] })],
    };
    const out = await runCataloger(composerLockCataloger, memoryFileTree({ '/var/www/composer.lock': JSON.stringify(lock) }));
    expect(out.packages.map((p) => [p.name, p.version, p.scope, p.licenses, p.purl])).toEqual([
      ['monolog/monolog', '3.5.0', undefined, ['MIT'], 'pkg:composer/monolog/monolog@3.5.0'],
      ['psr/log', '3.0.0', undefined, [], 'pkg:composer/psr/log@3.0.0'],
      ['phpunit/phpunit', '10.5.9', 'dev', ['BSD-3-Clause'], 'pkg:composer/phpunit/phpunit@10.5.9'],
    ]);
    expect(out.relationships).toHaveLength(1);
  });

  it('reads installed.json in the Composer 1 and Composer 2 forms', async () => {
    const v1 = [pkg('psr/log', '1.1.4')];
    const v2 = { packages: [pkg('psr/log', '3.0.0'), pkg('phpunit/phpunit', '10.5.9')], dev: true, 'dev-package-names': ['phpunit/phpunit'] };
    const out = await runCataloger(
      composerInstalledCataloger,
      memoryFileTree({ '/a/vendor/composer/installed.json': JSON.stringify(v1), '/b/vendor/composer/installed.json': JSON.stringify(v2) }),
    );
    expect(out.packages.map((p) => [p.name, p.version, p.scope])).toEqual([
      ['psr/log', '1.1.4', undefined],
      ['psr/log', '3.0.0', undefined],
      ['phpunit/phpunit', '10.5.9', 'dev'],
    ]);
    expect(composerLockCataloger.selects('/a/vendor/foo/bar/composer.lock')).toBe(false);
  });

  it('warns on JSON that is not a lockfile', async () => {
    const out = await runCataloger(composerLockCataloger, memoryFileTree({ '/x/composer.lock': 'null' }));
    expect(out.warnings).toHaveLength(1);
  });
});
