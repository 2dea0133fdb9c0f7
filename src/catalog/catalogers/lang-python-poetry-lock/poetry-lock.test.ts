import { describe, expect, it } from 'vitest';
import { memoryFileTree } from '../testing/memory-file-tree.js';
import { runCataloger } from '../testing/run-cataloger.js';
import { poetryLockCataloger } from './index.js';

describe('lang/poetry-lock', () => {
  it('reads poetry 1.x categories and 2.x groups as scopes, with dependency edges', async () => {
    const v1 = `[[package]]
name = "Flask"
version = "3.0.2"
category = "main"
optional = false

[package.dependencies]
Werkzeug = ">=3.0.0"

[[package]]
name = "werkzeug"
version = "3.0.1"
category = "main"
optional = false

[[package]]
name = "pytest"
version = "8.0.0"
category = "dev"
optional = false

[metadata]
lock-version = "1.1"
`;
    const v2 = `[[package]]
name = "redis"
version = "5.2.1"
optional = true
groups = ["main"]

[[package]]
name = "mypy"
version = "1.8.0"
optional = false
groups = ["lint", "dev"]

[metadata]
lock-version = "2.1"
`;
    const out = await runCataloger(poetryLockCataloger, memoryFileTree({ '/a/poetry.lock': v1, '/b/poetry.lock': v2 }));
    expect(out.packages.map((p) => [p.name, p.version, p.scope])).toEqual([
      ['Flask', '3.0.2', undefined],
      ['werkzeug', '3.0.1', undefined],
      ['pytest', '8.0.0', 'dev'],
      ['redis', '5.2.1', 'optional'],
      ['mypy', '1.8.0', 'dev'],
    ]);
    expect(out.relationships).toEqual([{ from: '/a/poetry.lock#0', to: '/a/poetry.lock#1', type: 'depends-on' }]);
  });
});
