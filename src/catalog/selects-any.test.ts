import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CATALOGERS } from './registry.js';
import { selectsAny } from './selects-any.js';

const catalogDir = path.dirname(fileURLToPath(import.meta.url));

/** Every fixture file as the image path it stands for: testdata/<scenario>/<path in the image>. */
function fixturePaths(): string[] {
  const out: string[] = [];
  const walk = (dir: string, rel: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(path.join(dir, entry.name), `${rel}/${entry.name}`);
      else out.push(`${rel}/${entry.name}`);
    }
  };
  const catalogers = path.join(catalogDir, 'catalogers');
  for (const name of readdirSync(catalogers)) {
    const testdata = path.join(catalogers, name, 'testdata');
    let scenarios: string[];
    try {
      scenarios = readdirSync(testdata);
    } catch {
      continue;
    }
    for (const scenario of scenarios) {
      try {
        walk(path.join(testdata, scenario), '');
      } catch {
        // A file directly in testdata (a README).
      }
    }
  }
  return out;
}

/** Each declared name and extension in the places catalogers look, in other places and in other letter cases. */
function declaredPaths(): string[] {
  const dirs = [
    '',
    '/srv/app',
    '/srv/app/node_modules/left-pad',
    '/srv/app/node_modules/@scope/pkg',
    '/srv/app/node_modules',
    '/usr/lib/python3/dist-packages/PyYAML-6.0.dist-info',
    '/usr/local/lib/python3.11/site-packages/requests-2.31.0.egg-info',
    '/usr/local/lib/python3.11/site-packages',
    '/usr/lib/ruby/gems/3.1.0/specifications',
    '/usr/lib/ruby/gems/3.1.0/specifications/default',
    '/var/lib/rpm',
    '/usr/lib/sysimage/rpm',
    '/lib/apk/db',
    '/usr/lib/apk/db',
    '/app/vendor/composer',
    '/app/gradle/dependency-locks',
    '/root/.m2/repository/org/x/1.0',
    '/go/pkg/mod/example.com/m@v1.0.0',
    '/usr/share/java',
    '/app/requirements',
  ];
  const bases = new Set<string>(['requirements-dev.txt', 'base.txt', 'x.deps.json', 'app.deps.json', 'foo-1.0.egg-info', 'compile.lockfile', 'a.gemspec', 'lib.JAR', 'pkg.Egg-Info']);
  for (const cataloger of CATALOGERS) {
    for (const name of cataloger.selectsOnly?.names ?? []) bases.add(name).add(name.toUpperCase()).add(`${name}.bak`);
    for (const ext of cataloger.selectsOnly?.extensions ?? []) bases.add(`file${ext}`).add(`file${ext.toUpperCase()}`).add(`file${ext}x`);
  }
  return dirs.flatMap((dir) => [...bases].map((base) => `${dir}/${base}`));
}

const corpus = [...new Set([...fixturePaths(), ...declaredPaths()])];

describe('selectsAny', () => {
  it('answers exactly as asking every cataloger does', () => {
    const any = selectsAny(CATALOGERS);
    let selected = 0;
    for (const p of corpus) {
      const expected = CATALOGERS.some((c) => c.selects(p));
      expect(any(p), p).toBe(expected);
      if (expected) selected++;
    }
    // The corpus reaches every indexed cataloger's files, not only paths nobody wants.
    expect(selected).toBeGreaterThan(100);
  });

  it('holds each selectsOnly declaration to what its selects() accepts in the corpus', () => {
    for (const cataloger of CATALOGERS.filter((c) => c.selectsOnly)) {
      const only = cataloger.selectsOnly ?? {};
      for (const p of corpus.filter((q) => cataloger.selects(q))) {
        const base = p.slice(p.lastIndexOf('/') + 1);
        const dot = base.lastIndexOf('.');
        const extension = dot >= 0 ? base.slice(dot).toLowerCase() : undefined;
        const declared = (only.names ?? []).includes(base) || (extension !== undefined && (only.extensions ?? []).includes(extension));
        expect(declared, `${cataloger.name} selects ${p}`).toBe(true);
      }
    }
  });
});
