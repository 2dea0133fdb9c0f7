#!/usr/bin/env node
// `npm run demo`: imports the bundled advisory snapshot (examples/demo/advisories, real
// facts written in OSV JSON plus a KEV excerpt) into a fresh database under .cache/demo/
// and scans the demo image against it. Offline; needs `npm run build` (npm ci runs it).
import { spawnSync } from 'node:child_process';
import process from 'node:process';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cli = path.join(root, 'dist/cli/main.js');
const db = path.join(root, '.cache/demo/advisories.db');
const snapshot = path.join(root, 'examples/demo/advisories');
const image = path.join(root, 'examples/demo/debian-heartbleed.tar');

mkdirSync(path.dirname(db), { recursive: true });
rmSync(db, { force: true });

const run = (args, stdio = 'inherit') => spawnSync(process.execPath, [cli, ...args], { stdio, encoding: 'utf8' });

if (/^\s+db\b/m.test(run(['help'], 'pipe').stdout ?? '')) {
  const imported = run(['db', 'import', '--db', db, snapshot]);
  if (imported.status !== 0) process.exit(imported.status ?? 2);
} else {
  // Until `bulkhead db import` is wired into the CLI, the same import through the library.
  const { importPaths, openAdvisoryStore } = await import(path.join(root, 'dist/advisories/index.js'));
  const store = openAdvisoryStore(db);
  try {
    store.import(importPaths([snapshot]));
  } finally {
    store.close();
  }
}

const scanned = run(['scan', image, '--db', db, ...process.argv.slice(2)]);
process.exit(scanned.status ?? 2);
