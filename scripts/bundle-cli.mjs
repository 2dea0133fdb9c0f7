/**
 * Bundles the compiled CLI (dist/cli/main.js) into dist/bin: one chunk per
 * command plus shared chunks. Node's ESM loader resolves, reads and links
 * every module file on its own — about 400 of ours and 100 of zod's for
 * `bulkhead sbom` — which was half of its start-up time; a few chunks load
 * in a fraction of that. Packages that start servers, hold native code or
 * open files next to their own sources stay in node_modules.
 */
import { chmod } from 'node:fs/promises';
import { build } from 'esbuild';

const EXTERNAL = ['argon2', 'better-sqlite3', 'fastify', '@fastify/*', 'kysely', 'pg', 'pg-boss', 'pino', 'selfsigned'];

await build({
  entryPoints: { main: 'dist/cli/main.js' },
  outdir: 'dist/bin',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: EXTERNAL,
  // Bundled CommonJS packages call require() for Node's built-ins; an ES module has none of its own.
  banner: { js: "import { createRequire as createBulkheadRequire } from 'node:module'; const require = createBulkheadRequire(import.meta.url);" },
  sourcemap: true,
  logLevel: 'warning',
});
await chmod('dist/bin/main.js', 0o755);
