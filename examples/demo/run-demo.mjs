#!/usr/bin/env node
// `npm run demo`: imports the bundled advisory snapshot (examples/demo/advisories, real
// facts written in OSV JSON plus a KEV excerpt) into a fresh database under .cache/demo/,
// then scans the demo image against it and gates it on the default policy
// (policies/default.yaml): the image is blocked, and the decision says why.
// Offline; needs `npm run build` (npm ci runs it). Extra arguments go to `bulkhead scan`.
import { spawnSync } from 'node:child_process';
import process from 'node:process';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cli = path.join(root, 'dist/bin/main.js');
const db = path.join(root, '.cache/demo/advisories.db');
const snapshot = path.join(root, 'examples/demo/advisories');
const image = path.join(root, 'examples/demo/debian-heartbleed.tar');
const policy = path.join(root, 'policies/default.yaml');

mkdirSync(path.dirname(db), { recursive: true });
rmSync(db, { force: true });

const run = (args) => spawnSync(process.execPath, [cli, ...args], { stdio: 'inherit' });

const imported = run(['db', 'import', '--db', db, snapshot]);
if (imported.status !== 0) process.exit(imported.status ?? 2);

const scanned = run(['scan', image, '--db', db, '--policy', policy, ...process.argv.slice(2)]);
// Exit 1 is the policy gate blocking the image: the outcome this demo shows, not a failure.
if (scanned.status === 1) {
  process.stdout.write('\n(bulkhead exited 1: the policy blocked the image, as a CI gate would.)\n');
  process.exit(0);
}
process.exit(scanned.status ?? 2);
