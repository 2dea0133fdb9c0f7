import { describe, expect, it } from 'vitest';
import { memoryFileTree } from '../testing/memory-file-tree.js';
import { runCataloger } from '../testing/run-cataloger.js';
import { uvLockCataloger } from './index.js';

// uv.lock (version 1) layout: the project as an editable package with its
// dependencies, extras (optional-dependencies) and dependency groups (dev-dependencies).
const LOCK = `version = 1
requires-python = ">=3.11"

[[package]]
name = "app"
version = "0.1.0"
source = { editable = "." }
dependencies = [{ name = "requests" }]

[package.optional-dependencies]
socks = [{ name = "pysocks" }]

[package.dev-dependencies]
dev = [{ name = "pytest" }]

[[package]]
name = "requests"
version = "2.31.0"
source = { registry = "https://pypi.org/simple" }
dependencies = [{ name = "urllib3" }]

[[package]]
name = "urllib3"
version = "2.2.1"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "PySocks"
version = "1.7.1"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "pytest"
version = "8.0.0"
source = { registry = "https://pypi.org/simple" }
dependencies = [{ name = "urllib3" }, { name = "pluggy" }]

[[package]]
name = "pluggy"
version = "1.4.0"
source = { registry = "https://pypi.org/simple" }
`;

describe('lang/uv-lock', () => {
  it('leaves the project out and derives scope from what its dependencies, extras and groups reach', async () => {
    const out = await runCataloger(uvLockCataloger, memoryFileTree({ '/app/uv.lock': LOCK }));
    expect(out.warnings).toEqual([]);
    expect(out.packages.map((p) => [p.name, p.version, p.scope, p.purl])).toEqual([
      ['requests', '2.31.0', undefined, 'pkg:pypi/requests@2.31.0'],
      ['urllib3', '2.2.1', undefined, 'pkg:pypi/urllib3@2.2.1'],
      ['PySocks', '1.7.1', 'optional', 'pkg:pypi/pysocks@1.7.1'],
      ['pytest', '8.0.0', 'dev', 'pkg:pypi/pytest@8.0.0'],
      ['pluggy', '1.4.0', 'dev', 'pkg:pypi/pluggy@1.4.0'],
    ]);
  });
});
