/**
 * `bulkhead defender`: the Docker authorization plugin, one per host.
 * Standalone: `--policy FILE --db FILE`; connected: `--console URL --token T`.
 * Runs until SIGTERM/SIGINT; SIGHUP re-reads the policy file now.
 */
import { Option, type Command } from 'commander';
import path from 'node:path';
import { BadInputError } from '../domain/errors.js';
import { defaultHostName, groupsByUser, readDefenderFile, runDefender, RUNNING_ACTIONS, type DefenderConfig, type RunningAction } from '../enforce/defender/index.js';

interface DefenderOptions {
  policy?: string;
  db?: string;
  console?: string;
  token?: string;
  config?: string;
  name: string;
  socketDir: string;
  dockerHost?: string;
  default?: 'allow' | 'block';
  unscanned?: 'allow' | 'warn' | 'block';
  scanBudget?: string;
  localIdentity?: string;
  environment?: string;
  hostName?: string;
  onBlocked?: RunningAction;
  auditInterval?: string;
  stateDir: string;
  logFile?: string;
}

function stamp(line: string): void {
  process.stderr.write(`${new Date().toISOString()} bulkhead defender: ${line}\n`);
}

export function registerDefenderCommand(program: Command): void {
  program
    .command('defender')
    .description('enforce policy on this Docker host as an authorization plugin (dockerd --authorization-plugin=bulkhead)')
    .option('--policy <path>', 'policy file or directory (standalone mode; reloaded when it changes)')
    .option('--db <file>', 'advisory database for scans of images never seen before')
    .option('--console <url>', 'console URL (connected mode)')
    .option('--token <token>', 'defender token for the console (or BULKHEAD_DEFENDER_TOKEN)')
    .option('--config <file>', 'YAML settings: groups, localIdentity, environment, onBlockedContainers, ruleActions, …')
    .option('--name <name>', 'plugin name dockerd is given', 'bulkhead')
    .option('--socket-dir <dir>', 'where dockerd discovers plugin sockets', '/run/docker/plugins')
    .option('--docker-host <address>', 'this host\'s Docker Engine (default: DOCKER_HOST or unix:///var/run/docker.sock)')
    .addOption(new Option('--default <decision>', 'answer for requests that cannot be judged and unknown endpoints').choices(['allow', 'block']))
    .addOption(new Option('--unscanned <verdict>', 'verdict for an image whose scan does not finish within the budget').choices(['allow', 'warn', 'block']))
    .option('--scan-budget <ms>', 'how long a create may wait for a scan on the spot')
    .option('--local-identity <user>', 'identity of requests without a TLS client certificate (the local socket)')
    .option('--environment <name>', 'environment for policy scopes (dev, test, prod, …)')
    .option('--host-name <name>', 'name reported to the console (default: the hostname)')
    .addOption(new Option('--on-blocked <action>', 'what to do with running containers whose image becomes blocked').choices([...RUNNING_ACTIONS]))
    .option('--audit-interval <minutes>', 'connected: minutes between CIS Docker Benchmark audits of this host sent to the console (0: none; default 60)')
    .option('--state-dir <dir>', 'decision log and cache directory', '/var/lib/bulkhead/defender')
    .option('--log-file <file>', 'decision log (JSON lines; default STATE_DIR/decisions.jsonl)')
    .action(async (options: DefenderOptions) => {
      const file = options.config ? await readDefenderFile(options.config) : {};
      const token = options.token ?? process.env.BULKHEAD_DEFENDER_TOKEN;
      if (!options.console && !options.policy) throw new BadInputError('give --policy FILE (standalone) or --console URL --token T (connected)');
      if (options.console && !token) throw new BadInputError('--console needs --token (or BULKHEAD_DEFENDER_TOKEN)');
      if (options.console && !/^https?:\/\//.test(options.console)) throw new BadInputError(`--console ${options.console}: give an http(s) URL`);
      if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,100}$/.test(options.name)) throw new BadInputError(`--name ${options.name}: letters, digits, . _ - only`);
      const budget = options.scanBudget !== undefined ? Number(options.scanBudget) : (file.scanBudgetMs ?? 5000);
      if (!Number.isInteger(budget) || budget < 0 || budget > 25_000) throw new BadInputError(`--scan-budget ${options.scanBudget ?? ''}: milliseconds from 0 to 25000`);
      if (options.auditInterval !== undefined && !/^\d{1,5}$/.test(options.auditInterval)) throw new BadInputError(`--audit-interval ${options.auditInterval}: whole minutes (0 turns audits off)`);
      const environment = options.environment ?? file.environment;
      const localIdentity = options.localIdentity ?? file.localIdentity;
      const config: DefenderConfig = {
        pluginName: options.name,
        socketDir: path.resolve(options.socketDir),
        dockerHost: options.dockerHost ?? process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock',
        hostName: options.hostName ?? file.hostName ?? defaultHostName(),
        ...(environment ? { environment } : {}),
        labels: file.labels ?? {},
        ...(localIdentity ? { localIdentity } : {}),
        groupsOf: groupsByUser(file.groups ?? {}),
        defaultDecision: options.default ?? file.default ?? 'block',
        unscanned: options.unscanned ?? file.unscanned ?? 'block',
        scanBudgetMs: budget,
        onBlockedContainers: options.onBlocked ?? file.onBlockedContainers ?? 'alert',
        ruleActions: file.ruleActions ?? {},
        logReads: file.logReads ?? false,
        auditIntervalMinutes: options.auditInterval !== undefined ? Number(options.auditInterval) : (file.auditIntervalMinutes ?? 60),
        logFile: path.resolve(options.logFile ?? path.join(options.stateDir, 'decisions.jsonl')),
        cacheFile: path.resolve(options.stateDir, 'cache.json'),
        ...(options.db ? { db: path.resolve(options.db) } : {}),
        ...(options.policy ? { policyPath: path.resolve(options.policy) } : {}),
        ...(options.console && token ? { console: { url: options.console, token } } : {}),
      };
      // dockerd refuses every call while the plugin is down: an unexpected error is logged, never fatal.
      process.on('uncaughtException', (error) => stamp(`unexpected error (still serving): ${error.stack ?? error.message}`));
      process.on('unhandledRejection', (error) => stamp(`unexpected rejection (still serving): ${String(error)}`));
      const running = await runDefender(config, stamp);
      stamp(`listening on ${running.socketPath} (${config.console ? `console ${config.console.url}` : `policy ${config.policyPath ?? ''}`}, default ${config.defaultDecision}, unscanned ${config.unscanned})`);
      process.on('SIGHUP', () => void running.reload());
      await new Promise<void>((resolve) => {
        const stop = (): void => {
          void running.close().finally(resolve);
        };
        process.once('SIGTERM', stop);
        process.once('SIGINT', stop);
      });
    });
}
