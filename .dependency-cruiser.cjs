/**
 * Imports point one way (docs/architecture.md): a module may import modules
 * of a lower or equal rank only. Nothing imports cli/.
 */
const RANKS = [
  ['domain'],
  ['version'],
  ['image', 'advisories'],
  ['catalog'],
  ['sbom'],
  ['scan', 'match'],
  ['checks'],
  ['policy'],
  ['report', 'store', 'enforce', 'host'],
  ['console'],
  ['cli'],
];

const forbidden = [];
RANKS.forEach((modules, rank) => {
  const higher = RANKS.slice(rank + 1).flat();
  if (higher.length === 0) return;
  forbidden.push({
    name: `rank-${modules.join('-')}`,
    comment: `${modules.join(', ')} must not import ${higher.join(', ')}`,
    severity: 'error',
    from: { path: `^src/(${modules.join('|')})/` },
    to: { path: `^src/(${higher.join('|')})/` },
  });
});
forbidden.push({
  name: 'no-circular',
  severity: 'error',
  from: { path: '^src/' },
  to: { circular: true },
});

module.exports = {
  forbidden,
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(\\.test\\.ts$|/testdata/)' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
  },
};
