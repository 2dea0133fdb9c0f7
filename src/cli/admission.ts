/**
 * `bulkhead admission --tls-cert FILE --tls-key FILE (--console URL --token T | --policy FILE --db FILE)`:
 * the Kubernetes admission webhook. Runs until SIGTERM/SIGINT; logs one JSON
 * line per decision on standard output.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { pino } from 'pino';
import { BadInputError } from '../domain/errors.js';
import {
  DEFAULT_ADMISSION_CONFIG,
  DEFAULT_ADMISSION_PORT,
  createConnectedAssessor,
  createConsoleClient,
  createConsolePolicyProvider,
  createDecisionReporter,
  createFilePolicyProvider,
  createImageResolver,
  createStandaloneAssessor,
  loadAdmissionConfig,
  startAdmissionServer,
  type AdmissionConfig,
  type AdmissionLogger,
  type ImageAssessor,
  type PolicyProvider,
} from '../enforce/k8s-admission/index.js';

interface AdmissionOptions {
  tlsCert: string;
  tlsKey: string;
  host: string;
  port: number;
  config?: string;
  policy?: string;
  db?: string;
  console?: string;
  token?: string;
  tokenFile?: string;
  cacheDir: string;
  mutate?: boolean;
  defaultVerdict?: AdmissionConfig['defaultVerdict'];
  budgetMs?: number;
}

function integer(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('not a non-negative integer');
  return n;
}

async function tokenOf(options: AdmissionOptions): Promise<string> {
  const token = options.token ?? (options.tokenFile ? (await readFile(options.tokenFile, 'utf8')).trim() : process.env.BULKHEAD_TOKEN);
  if (!token) throw new BadInputError('--console needs a defender token: --token, --token-file or BULKHEAD_TOKEN');
  return token;
}

export function registerAdmissionCommand(program: Command): void {
  program
    .command('admission')
    .description('run the Kubernetes validating (and optionally mutating) admission webhook over HTTPS')
    .requiredOption('--tls-cert <file>', 'serving certificate (PEM); reloaded when the file changes')
    .requiredOption('--tls-key <file>', 'its private key (PEM)')
    .option('--host <address>', 'address to listen on', '0.0.0.0')
    .option('--port <port>', 'port to listen on', integer, DEFAULT_ADMISSION_PORT)
    .option('--config <file>', 'admission configuration (YAML): default verdict, budget, namespaces, environments')
    .option('--policy <file>', 'standalone: policy file or directory')
    .option('--db <file>', 'standalone: advisory database for on-the-spot scans')
    .option('--console <url>', 'connected: the Bulkhead console URL')
    .option('--token <token>', 'connected: defender token (or --token-file, or BULKHEAD_TOKEN)')
    .option('--token-file <file>', 'connected: file holding the defender token')
    .option('--cache-dir <dir>', 'connected: where the last policy is kept', path.join(os.tmpdir(), 'bulkhead-admission'))
    .option('--mutate', 'also serve /mutate: pin image tags to the digests evaluated')
    .addOption(new Option('--default-verdict <verdict>', 'verdict for images that cannot be assessed in time (overrides the config)').choices(['allow', 'warn', 'block']))
    .option('--budget-ms <ms>', 'time budget per review (overrides the config)', integer)
    .action(async (options: AdmissionOptions) => {
      const connected = options.console !== undefined;
      if (connected === (options.policy !== undefined)) throw new BadInputError('give either --console URL (connected) or --policy FILE --db FILE (standalone)');
      if (!connected && !options.db) throw new BadInputError('standalone mode needs --db FILE (the advisory database)');
      if (!connected && !existsSync(options.db as string)) throw new BadInputError(`advisory database ${options.db} not found: create it with "bulkhead db update --db ${options.db}" (or db import)`);
      const loaded = options.config ? await loadAdmissionConfig(options.config) : DEFAULT_ADMISSION_CONFIG;
      const config: AdmissionConfig = {
        ...loaded,
        ...(options.defaultVerdict ? { defaultVerdict: options.defaultVerdict } : {}),
        ...(options.budgetMs !== undefined ? { budgetMs: options.budgetMs } : {}),
      };
      // Buffered, asynchronous log writes: a decision's log line must not cost the review a synchronous write.
      const destination = pino.destination({ dest: 1, sync: false, minLength: 4096 });
      const logger = pino({ base: { component: 'admission' }, timestamp: pino.stdTimeFunctions.isoTime }, destination);
      const log: AdmissionLogger = (level, message, fields) => logger[level](fields ?? {}, message);
      const warn = (message: string): void => log('warn', message);

      const resolver = createImageResolver({ insecureRegistries: config.insecureRegistries, tagTtlMs: config.tagTtlSeconds * 1000 });
      let policy: PolicyProvider;
      let assessor: ImageAssessor;
      const closers: (() => unknown)[] = [];
      let onDecisions: Parameters<typeof startAdmissionServer>[0]['onDecisions'];
      if (connected) {
        const client = createConsoleClient({ url: options.console as string, token: await tokenOf(options) });
        policy = await createConsolePolicyProvider({
          client,
          cacheFile: path.join(options.cacheDir, 'policy.json'),
          intervalMs: 10_000,
          onError: warn,
          onChange: (p) => log('info', `policy ${p.name}@${p.version} loaded from the console`, { hash: p.hash }),
        });
        const connectedAssessor = createConnectedAssessor({ client, resolver, verdictTtlMs: config.verdictTtlSeconds * 1000, changesIntervalMs: 2_000, onError: warn });
        assessor = connectedAssessor;
        const reporter = createDecisionReporter(client, { intervalMs: 1_000, onError: warn });
        onDecisions = (decisions) => reporter.add(decisions);
        closers.push(() => connectedAssessor.close(), () => reporter.close());
      } else {
        const file = await createFilePolicyProvider(options.policy as string, warn);
        policy = file;
        assessor = createStandaloneAssessor({
          policy: () => file.current(),
          db: options.db as string,
          resolver,
          insecureRegistries: config.insecureRegistries,
          verdictTtlMs: config.verdictTtlSeconds * 1000,
          onScanError: (reference, error) => warn(`scan of ${reference} failed: ${(error as Error).message}`),
        });
      }
      closers.push(() => policy.close());

      const server = await startAdmissionServer({
        host: options.host,
        port: options.port,
        certFile: options.tlsCert,
        keyFile: options.tlsKey,
        context: { config, policy: () => policy.current(), assessor },
        mutate: options.mutate === true,
        log,
        ...(onDecisions ? { onDecisions } : {}),
      });
      const current = policy.current();
      log('info', `admission webhook listening on ${server.url}`, { mode: connected ? 'connected' : 'standalone', mutate: options.mutate === true, policy: current ? `${current.name}@${current.version}` : null });
      await new Promise<void>((resolve) => {
        const stop = (): void => resolve();
        process.once('SIGTERM', stop);
        process.once('SIGINT', stop);
      });
      log('info', 'shutting down');
      await server.close();
      for (const close of closers) await close();
      destination.flushSync();
    });
}
