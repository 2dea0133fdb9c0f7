/**
 * `bulkhead db update|import|export|status|search`: the advisory database.
 * Every subcommand takes `--db FILE` (else BULKHEAD_DB, else the user's cache
 * dir). Updates and imports are atomic: on any error the previous database
 * is left as it was and the command exits 2 with one line.
 */
import type { Command } from 'commander';
import { BadInputError } from '../domain/errors.js';
import {
  DEFAULT_SOURCES,
  SOURCE_NAMES,
  defaultDatabasePath,
  exportBundle,
  importPaths,
  openAdvisoryStore,
  resolveFeedConfig,
  updateDatabase,
  type ApplyResult,
  type FeedBatch,
  type SourceName,
} from '../advisories/index.js';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];
const DAY_MS = 24 * 60 * 60 * 1000;

function databasePath(options: { db?: string }): string {
  return options.db ?? defaultDatabasePath();
}

function mib(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

function printApplied(result: ApplyResult, batches: readonly FeedBatch[]): void {
  const out: string[] = [];
  for (const f of result.feeds) {
    const state = f.unchanged ? 'unchanged' : `${f.advisories} advisories, ${f.enrichments} enrichments${f.skipped ? `, ${f.skipped} skipped` : ''}`;
    out.push(`${f.feed}: ${state}`);
  }
  out.push(`snapshot ${result.snapshot}`);
  process.stdout.write(`${out.join('\n')}\n`);
  for (const b of batches) {
    for (const w of b.warnings.slice(0, 5)) process.stderr.write(`warning: ${b.feed}: skipped ${w}\n`);
    if (b.skipped > 5) process.stderr.write(`warning: ${b.feed}: ${b.skipped} records skipped in all\n`);
  }
}

function progress(): { onProgress?: (feed: string, received: number, total: number | undefined) => void; done(): void } {
  const stream = process.stderr;
  if (!stream.isTTY) return { done: () => undefined };
  let last = 0;
  return {
    onProgress(feed, received, total) {
      const now = Date.now();
      if (now - last < 100) return;
      last = now;
      stream.write(`\r\x1b[K${`downloading ${feed}  ${mib(received)}${total ? ` of ${mib(total)}` : ''}`.slice(0, (stream.columns ?? 80) - 1)}`);
    },
    done: () => stream.write('\r\x1b[K'),
  };
}

function age(iso: string | undefined, now = Date.now()): string {
  if (!iso) return 'never';
  const ms = now - Date.parse(iso);
  if (ms < 60 * 60 * 1000) return `${Math.max(0, Math.round(ms / 60000))} min ago`;
  if (ms < DAY_MS) return `${Math.round(ms / 3600000)} h ago`;
  return `${Math.floor(ms / DAY_MS)} days ago`;
}

export function registerDbCommand(program: Command): void {
  const db = program.command('db').description('the advisory database: update, import, export, status, search');

  db.command('update')
    .description(`download advisory feeds (${SOURCE_NAMES.join(', ')}; default: ${DEFAULT_SOURCES.join(', ')})`)
    .option('--db <file>', 'database file (default: $BULKHEAD_DB or ~/.cache/bulkhead/advisories.db)')
    .option('--source <name>', 'feed to update (repeatable)', collect)
    .option('--mirror <name=url>', 'base URL for a feed, e.g. osv=https://mirror/osv or kev=file:///srv/kev.json (repeatable)', collect)
    .option('--osv-ecosystem <name>', 'OSV ecosystem to download (repeatable; default: all Bulkhead models)', collect)
    .option('--alpine-release <vX.Y>', 'Alpine secdb release to download (repeatable)', collect)
    .option('--feeds-config <file>', 'JSON feed configuration (default: $XDG_CONFIG_HOME/bulkhead/feeds.json)')
    .option('--timeout <seconds>', 'give up on a feed that sends nothing for this long', '60')
    .action(async (options: { db?: string; source?: string[]; mirror?: string[]; osvEcosystem?: string[]; alpineRelease?: string[]; feedsConfig?: string; timeout: string }) => {
      const sources = (options.source ?? DEFAULT_SOURCES) as SourceName[];
      for (const s of sources) if (!SOURCE_NAMES.includes(s)) throw new BadInputError(`unknown source "${s}"; known: ${SOURCE_NAMES.join(', ')}`);
      const seconds = Number(options.timeout);
      if (!(seconds > 0)) throw new BadInputError(`--timeout must be a positive number of seconds, not "${options.timeout}"`);
      const config = resolveFeedConfig({
        ...(options.feedsConfig ? { configFile: options.feedsConfig } : {}),
        ...(options.mirror ? { mirrors: options.mirror } : {}),
        ...(options.osvEcosystem ? { osvEcosystems: options.osvEcosystem } : {}),
        ...(options.alpineRelease ? { alpineReleases: options.alpineRelease } : {}),
        connectTimeoutMs: seconds * 1000,
        idleTimeoutMs: seconds * 1000,
      });
      const store = openAdvisoryStore(databasePath(options));
      const display = progress();
      try {
        const result = await updateDatabase(store, config, sources, display.onProgress ? { onProgress: display.onProgress } : {});
        display.done();
        printApplied(result, result.batches);
      } finally {
        display.done();
        store.close();
      }
    });

  db.command('import')
    .description('import feed files, directories or zips (OSV, Debian tracker, Alpine secdb, NVD, KEV, EPSS) or a Bulkhead bundle')
    .argument('<path...>')
    .option('--db <file>', 'database file')
    .action((paths: string[], options: { db?: string }) => {
      const batches = importPaths(paths);
      const store = openAdvisoryStore(databasePath(options));
      try {
        printApplied(store.import(batches), batches);
      } finally {
        store.close();
      }
    });

  db.command('export')
    .description('write the whole database as one bundle (zip with a manifest and sha256 per part) for air-gapped hosts')
    .argument('<file>')
    .option('--db <file>', 'database file')
    .action((file: string, options: { db?: string }) => {
      const store = openAdvisoryStore(databasePath(options), { readonly: true });
      try {
        const r = exportBundle(store, file);
        process.stdout.write(`${r.file}: ${r.advisories} advisories, ${r.enrichments} enrichments, ${mib(r.bytes)}, snapshot ${r.snapshot}\n`);
      } finally {
        store.close();
      }
    });

  db.command('status')
    .description('sources, counts, snapshot and age of the advisory database')
    .option('--db <file>', 'database file')
    .option('--max-age <days>', 'warn when the data is older than this', '7')
    .option('--json', 'machine-readable output')
    .action((options: { db?: string; maxAge: string; json?: boolean }) => {
      const store = openAdvisoryStore(databasePath(options), { readonly: true });
      try {
        const s = store.status();
        if (options.json) {
          process.stdout.write(`${JSON.stringify(s, null, 2)}\n`);
        } else {
          const lines = [`database  ${s.path}`, `snapshot  ${s.snapshot ?? 'none'}`, `updated   ${s.createdAt ?? 'never'} (${age(s.createdAt)})`];
          lines.push(`records   ${s.advisories} advisories, ${s.affected} affected packages, ${s.enrichments} CVEs with scores`, '', 'sources:');
          for (const src of s.sources) {
            lines.push(`  ${src.name}  ${src.advisories} advisories, ${src.enrichments} enrichments${src.skipped ? `, ${src.skipped} skipped` : ''}  fetched ${age(src.fetchedAt)}  from ${src.origin}`);
          }
          if (s.sources.length === 0) lines.push('  (none: run "bulkhead db update" or "bulkhead db import")');
          process.stdout.write(`${lines.join('\n')}\n`);
        }
        const maxDays = Number(options.maxAge);
        const oldest = s.sources.reduce<string | undefined>((min, x) => (!min || x.fetchedAt < min ? x.fetchedAt : min), undefined);
        if (oldest && Date.now() - Date.parse(oldest) > maxDays * DAY_MS) {
          process.stderr.write(`warning: advisory data is stale (oldest source fetched ${age(oldest)}); run "bulkhead db update"\n`);
        }
      } finally {
        store.close();
      }
    });

  db.command('search')
    .description('what the database knows about an advisory id (CVE-…, GHSA-…) or a package name')
    .argument('<query>')
    .option('--db <file>', 'database file')
    .option('--json', 'machine-readable output')
    .action((query: string, options: { db?: string; json?: boolean }) => {
      const store = openAdvisoryStore(databasePath(options), { readonly: true });
      try {
        const r = store.search(query);
        if (options.json) {
          process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
          return;
        }
        const lines: string[] = [];
        for (const { feed, advisory: a } of r.advisories) {
          lines.push(`${a.id}${a.aliases.length ? ` (${a.aliases.join(', ')})` : ''}  [${feed}]${a.withdrawn ? '  WITHDRAWN' : ''}`);
          if (a.summary) lines.push(`  ${a.summary.split('\n')[0]}`);
          for (const p of a.affected.slice(0, 20)) {
            const fixed = p.ranges.flatMap((x) => x.events.map((e) => e.fixed)).filter(Boolean);
            lines.push(`  ${p.ecosystem}${p.distro ? `/${p.distro}` : ''} ${p.name}: ${p.status}${fixed.length ? `, fixed in ${fixed.join(', ')}` : ''}`);
          }
          if (a.affected.length > 20) lines.push(`  … ${a.affected.length - 20} more affected entries`);
        }
        const e = r.enrichment;
        if (e?.kev) lines.push(`KEV: added ${e.kev.dateAdded}${e.kev.knownRansomware ? ', known ransomware use' : ''}`);
        if (e?.epss) lines.push(`EPSS: ${e.epss.score} (percentile ${e.epss.percentile})`);
        for (const s of e?.nvd?.severity ?? []) lines.push(`NVD ${s.type}: ${s.score ?? ''} ${s.level} ${s.vector ?? ''}`.trim());
        if (lines.length === 0) throw new BadInputError(`nothing known about "${query}"`);
        process.stdout.write(`${lines.join('\n')}\n`);
      } finally {
        store.close();
      }
    });
}
