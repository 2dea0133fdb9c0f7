/**
 * `bulkhead defender`, assembled: the policy (a watched file, or the
 * console's with a local copy), what is known about images (cache file,
 * scans on the spot from the local daemon), the decision handler, the AuthZ
 * socket dockerd talks to, the running-container guard and the decision log.
 */
import path from 'node:path';
import type { Decision } from '../../domain/decision.js';
import { runHostAudit } from '../../host/index.js';
import type { Subject } from '../../domain/subject.js';
import { gateTarget } from '../../policy/gate-target.js';
import type { PolicySet } from '../../policy/index.js';
import { startAuthzServer, type AuthzServer } from '../docker-authz/authz-server.js';
import { startConsoleLink, type ConsoleLink } from './console-link.js';
import { startContainerGuard, type ContainerGuard } from './container-guard.js';
import { openDecisionLog, type LoggedDecision } from './decision-log.js';
import { createDefender } from './defender.js';
import type { DefenderConfig } from './defender-config.js';
import { createEngineApi } from './engine-api.js';
import { createImageVerdicts, type ImageToJudge } from './image-verdicts.js';
import { watchPolicyFile } from './policy-file-watch.js';
import { readVerdictCache, verdictCacheWriter } from './verdict-cache-file.js';

export interface RunningDefender {
  readonly socketPath: string;
  policy(): PolicySet;
  /** Re-reads the policy file and re-judges running containers now (tests, SIGHUP). */
  reload(): Promise<void>;
  readonly guard: ContainerGuard;
  close(): Promise<void>;
}

function requirePolicyPath(config: DefenderConfig): string {
  if (!config.policyPath) throw new Error('a policy file is needed without a console (--policy FILE)');
  return config.policyPath;
}

export async function runDefender(config: DefenderConfig, log: (line: string) => void): Promise<RunningDefender> {
  // Filled once the socket listens; callbacks before that have nothing to re-judge.
  const late: { guard?: ContainerGuard; writer?: { schedule(): void } } = {};
  // A policy that does not load stops the start before anything is written on the host.
  const watch = config.console ? undefined : await watchPolicyFile(requirePolicyPath(config), { log, onChange: () => void late.guard?.recheck() });
  const cache = await readVerdictCache(config.cacheFile, log);
  let link: ConsoleLink | undefined;
  const decisions = openDecisionLog(config.logFile, (d: LoggedDecision) => link?.report(d));
  const engine = createEngineApi(config.dockerHost);

  let current: () => PolicySet;
  let reloadPolicy: () => Promise<void> = async () => {};
  let stopPolicy: () => void = () => {};
  const onPolicyChange = (): void => void late.guard?.recheck();

  if (config.console) {
    link = await startConsoleLink({ config, console: config.console, cached: cache.policy, log, onPolicyChange, onVerdictChange: (digest, decision) => {
      if (decision) verdicts.setConsoleDecision(digest, decision);
      else verdicts.forgetConsoleDecision(digest);
      void late.guard?.recheck();
    }, onCachedPolicy: () => late.writer?.schedule(), containers: () => late.guard?.containers() ?? [] });
    current = link.policy;
  } else {
    if (!watch) throw new Error('a policy file is needed without a console (--policy FILE)');
    current = watch.current;
    reloadPolicy = watch.check;
    stopPolicy = watch.stop;
  }

  const scan = async (image: ImageToJudge): Promise<Subject> => {
    const result = await gateTarget({ kind: 'docker', value: image.id }, { policy: current(), dockerHost: config.dockerHost, ...(config.db ? { db: config.db } : {}) });
    if (result.scan.database?.status === 'missing') throw new Error(result.scan.database.message ?? 'no advisory database: run "bulkhead db update" or give --db');
    log(`scanned ${image.reference} (${image.id.slice(0, 19)}): ${result.subject.packages.length} packages, ${result.scan.findings.length} findings, verdict ${result.decision.verdict}`);
    if (link) {
      // The console learns the image and re-evaluates it from now on; its verdict changes reach this host by polling.
      const digest = image.manifestDigests[0] ?? image.id;
      const upload = { inventory: result.scan.inventory, checkFindings: result.checkFindings, files: result.subject.files ?? {}, reference: image.reference, digest };
      void link
        .uploadScan(upload)
        .then((decision) => {
          if (decision) verdicts.setConsoleDecision(digest, decision);
        })
        .catch((error: unknown) => log(`uploading the scan of ${image.reference} to the console: ${(error as Error).message}`));
    }
    return result.subject;
  };

  const verdicts = createImageVerdicts({
    scan,
    budgetMs: config.scanBudgetMs,
    log,
    onScanned: () => {
      late.writer?.schedule();
      void late.guard?.recheck();
    },
    ...(link ? { consoleDecision: link.imageDecision } : {}),
  });
  for (const [id, subject] of cache.images) verdicts.remember(id, subject);
  const writer = verdictCacheWriter(config.cacheFile, () => {
    const policy = link?.cachedPolicy();
    return { images: verdicts.subjects(), ...(policy ? { policy } : {}) };
  }, log);
  late.writer = writer;

  const handler = createDefender({ config, policy: () => current(), engine, verdicts, record: (d) => decisions.write(d), log });
  let server: AuthzServer | undefined;
  try {
    server = await startAuthzServer({ socketPath: path.join(config.socketDir, `${config.pluginName}.sock`), handler, decisionTimeoutMs: Math.max(config.scanBudgetMs + 5000, 10_000) });
  } catch (error) {
    stopPolicy();
    await link?.close();
    await decisions.close();
    throw error;
  }

  const manifestDigestOf = new Map<string, string>();
  const judge = async (imageId: string, imageRef: string): Promise<Decision | undefined> => {
    // The manifest digests name the image to the console; the container list only gives the image ID.
    const inspected = await engine.request('GET', `/images/${encodeURIComponent(imageId)}/json`).catch(() => undefined);
    const repoDigests = inspected?.status === 200 ? (inspected.json as { RepoDigests?: unknown }).RepoDigests : undefined;
    const manifestDigests = Array.isArray(repoDigests) ? repoDigests.filter((d): d is string => typeof d === 'string').map((d) => d.slice(d.indexOf('@') + 1)) : [];
    if (manifestDigests[0]) manifestDigestOf.set(imageId, manifestDigests[0]);
    const k = await verdicts.knowledge({ id: imageId, reference: imageRef, manifestDigests });
    if (k.kind === 'console') return k.decision;
    return handler.judgeImage(imageId, imageRef);
  };
  // The guard's own Docker calls pass through the plugin: it starts after the socket listens.
  const guard = await startContainerGuard({ config, engine, judge, record: (d) => decisions.write(d), log, onImageEvent: () => handler.forgetImageNames(), onContainersChanged: () => link?.reportHostSoon(), manifestDigestOf: (id) => manifestDigestOf.get(id) });
  late.guard = guard;
  const stopAudits = link && config.auditIntervalMinutes > 0 ? startHostAudits(link, config, log) : () => undefined;

  return {
    socketPath: server.socketPath,
    policy: () => current(),
    async reload() {
      await reloadPolicy();
      await late.guard?.recheck();
    },
    guard,
    async close() {
      stopAudits();
      guard.stop();
      stopPolicy();
      await link?.close();
      await server?.close();
      await writer.flush();
      await decisions.close();
    },
  };
}

/**
 * The CIS Docker Benchmark audit of this host (host/), run a minute after
 * start and then every config.auditIntervalMinutes, sent to the console,
 * which keeps the host's score and alerts when a check drifts to fail.
 */
function startHostAudits(link: ConsoleLink, config: DefenderConfig, log: (line: string) => void): () => void {
  let running = false;
  const audit = async (): Promise<void> => {
    if (running) return;
    running = true;
    try {
      const report = await runHostAudit({ dockerHost: config.dockerHost });
      await link.reportHostAudit(report);
    } catch (error) {
      log(`host audit not reported: ${(error as Error).message}`);
    } finally {
      running = false;
    }
  };
  const first = setTimeout(() => void audit(), 60_000);
  const every = setInterval(() => void audit(), config.auditIntervalMinutes * 60_000);
  first.unref();
  every.unref();
  return () => {
    clearTimeout(first);
    clearInterval(every);
  };
}
