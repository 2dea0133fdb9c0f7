// npm's bundled node-semver: validity, compare and satisfies for the candidates.
const fs = require('fs');
const path = require('path');
const { execSync } = require('child_process');
const semver = require(path.join(execSync('npm root -g').toString().trim(), 'npm/node_modules/semver'));
const lines = (cmd) => execSync(cmd).toString().split('\n').filter((l) => l !== '');
const out = (file, rows) => fs.writeFileSync(path.join(__dirname, '..', file), rows.map((r) => r.join('\t')).join('\n') + '\n');
out('semver-valid.tsv', lines('python3 candidates.py semver versions').map((v) => [v, semver.valid(v) === null ? 0 : 1]));
out('semver-compare.tsv', lines('python3 candidates.py semver pairs').map((l) => l.split('\t')).filter(([a, b]) => semver.valid(a) && semver.valid(b)).map(([a, b]) => [a, b, semver.compare(a, b)]));
const ranges = fs.readFileSync(path.join(__dirname, 'ranges.txt'), 'utf8').split('\n').filter((l) => l.startsWith('semver\t')).map((l) => l.slice(7));
const versions = fs.readFileSync(path.join(__dirname, 'range-versions.txt'), 'utf8').split('\n').find((l) => l.startsWith('semver:')).slice(7).split(' ');
const rows = [];
for (const r of ranges) {
  let valid = true;
  try { new semver.Range(r); } catch { valid = false; }
  for (const v of versions) rows.push([v, r, valid ? (semver.satisfies(v, r) ? 1 : 0) : 'invalid-range']);
}
out('semver-satisfies.tsv', rows);
console.log('node-semver', require(path.join(execSync('npm root -g').toString().trim(), 'npm/node_modules/semver/package.json')).version);
