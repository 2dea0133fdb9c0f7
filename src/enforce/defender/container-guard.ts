/**
 * Running containers: the inventory comes from the Docker API and stays
 * current through the /events stream. Whenever verdicts may have changed (a
 * new policy, a finished scan, a verdict change from the console, and once a
 * minute), every running container's image is judged again; one that turned
 * `block` is acted on as configured — alert only, prevent restart (restart
 * policy set to "no"), or stop — once per container and verdict basis, and
 * what was done is recorded like any other decision.
 */
import { randomUUID } from 'node:crypto';
import type { Decision } from '../../domain/decision.js';
import type { ReportedContainer } from '../../domain/enforcement.js';
import type { LoggedDecision } from './decision-log.js';
import type { DefenderConfig, RunningAction } from './defender-config.js';
import { violationReason } from './denial-message.js';
import type { EngineApi } from './engine-api.js';

export interface GuardedContainer {
  readonly id: string;
  readonly name: string;
  readonly imageRef: string;
  readonly imageId: string;
  state: string;
  startedAt?: string;
}

export interface ContainerGuardDeps {
  readonly config: DefenderConfig;
  readonly engine: EngineApi;
  /** The image's own decision, undefined while it is unknown (a scan is then started). */
  readonly judge: (imageId: string, imageRef: string) => Promise<Decision | undefined>;
  readonly record: (d: LoggedDecision) => void;
  readonly log: (line: string) => void;
  /** An image was tagged, pulled, loaded, removed…: names may point elsewhere now. */
  readonly onImageEvent?: () => void;
  /** The set of running containers changed (a start, a stop): the console hears of it without waiting for the next report. */
  readonly onContainersChanged?: () => void;
  /** The manifest digest the console knows an image ID by (from RepoDigests), when there is one. */
  readonly manifestDigestOf?: (imageId: string) => string | undefined;
}

export interface ContainerGuard {
  containers(): ReportedContainer[];
  /** Judges every running container again; resolves when the actions are done. */
  recheck(): Promise<void>;
  stop(): void;
}

const STRENGTH: Record<RunningAction, number> = { alert: 0, 'prevent-restart': 1, stop: 2 };

function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
}

export async function startContainerGuard(deps: ContainerGuardDeps): Promise<ContainerGuard> {
  const { engine, config } = deps;
  const running = new Map<string, GuardedContainer>();
  /** container id → the decision basis it was last acted on, so one flip acts once. */
  const actedOn = new Map<string, string>();
  let stopped = false;
  let stopEvents: (() => void) | undefined;
  let checking: Promise<void> | undefined;

  const refresh = async (): Promise<void> => {
    const res = await engine.request('GET', '/containers/json');
    if (res.status !== 200 || !Array.isArray(res.json)) throw new Error(`container list answered ${res.status}`);
    running.clear();
    for (const raw of res.json) {
      const c = record(raw);
      const names = Array.isArray(c.Names) ? c.Names : [];
      running.set(String(c.Id), { id: String(c.Id), name: String(names[0] ?? '').replace(/^\//, ''), imageRef: String(c.Image ?? ''), imageId: String(c.ImageID ?? ''), state: String(c.State ?? 'running') });
    }
  };

  const actionFor = (decision: Decision): RunningAction => {
    let chosen: RunningAction | undefined;
    for (const v of decision.violations) {
      if (v.effect !== 'block') continue;
      const a = config.ruleActions[v.ruleId];
      if (a && (chosen === undefined || STRENGTH[a] > STRENGTH[chosen])) chosen = a;
    }
    return chosen ?? config.onBlockedContainers;
  };

  const act = async (c: GuardedContainer, decision: Decision): Promise<void> => {
    const action = actionFor(decision);
    let outcome = 'alerted';
    if (action === 'prevent-restart') {
      const res = await engine.request('POST', `/containers/${c.id}/update`, { RestartPolicy: { Name: 'no' } });
      outcome = res.status === 200 ? 'restart policy set to "no"' : `could not change the restart policy (${res.status})`;
    } else if (action === 'stop') {
      const res = await engine.request('POST', `/containers/${c.id}/stop?t=10`, undefined, 30_000);
      outcome = res.status === 204 || res.status === 304 ? 'stopped' : `could not stop it (${res.status})`;
    }
    deps.log(`running container ${c.name} (${c.id.slice(0, 12)}) of ${c.imageRef} is now blocked: ${outcome}`);
    deps.record({
      id: randomUUID(),
      at: new Date().toISOString(),
      point: 'docker',
      source: config.hostName,
      action: `container.${action === 'alert' ? 'alert' : action}`,
      allowed: false,
      image: { reference: c.imageRef, digest: c.imageId },
      verdict: 'block',
      reasons: [`running container ${c.name} ${outcome}`, ...decision.violations.filter((v) => v.effect === 'block').slice(0, 20).map(violationReason)],
      rules: [...new Set(decision.violations.filter((v) => v.effect === 'block').map((v) => v.ruleId))],
    });
  };

  const recheck = (): Promise<void> => {
    checking ??= (async () => {
      for (const c of [...running.values()]) {
        if (stopped) return;
        // Known from an event, not yet from the list: judged after the refresh that follows.
        if (!c.imageId) continue;
        try {
          const decision = await deps.judge(c.imageId, c.imageRef);
          if (!decision || decision.verdict !== 'block') {
            actedOn.delete(c.id);
            continue;
          }
          const basis = `${decision.basis.policyHash}|${decision.basis.advisorySnapshot ?? ''}|${decision.violations.map((v) => v.ruleId).join(',')}`;
          if (actedOn.get(c.id) === basis) continue;
          actedOn.set(c.id, basis);
          await act(c, decision);
        } catch (error) {
          deps.log(`checking running container ${c.name}: ${(error as Error).message}`);
        }
      }
    })().finally(() => {
      checking = undefined;
    });
    return checking;
  };

  const follow = (): void => {
    if (stopped) return;
    const filters = encodeURIComponent(JSON.stringify({ type: ['container', 'image'] }));
    stopEvents = engine.stream(
      `/events?filters=${filters}`,
      (event) => {
        const e = record(event);
        if (e.Type === 'image') {
          deps.onImageEvent?.();
          return;
        }
        const id = String(e.id ?? record(e.Actor).ID ?? '');
        const status = String(e.status ?? e.Action ?? '');
        if (status === 'start') {
          const attrs = record(record(e.Actor).Attributes);
          running.set(id, { id, name: String(attrs.name ?? id.slice(0, 12)), imageRef: String(e.from ?? attrs.image ?? ''), imageId: '', state: 'running' });
          // The console hears of the start at once, from the event itself: on a busy daemon the list below can
          // take until the Engine API timeout (10 s). The event does not carry the image ID, so the list is
          // refreshed, then the console hears again (now with the image) and the container is judged.
          deps.onContainersChanged?.();
          void refresh()
            .catch(() => undefined)
            .then(() => {
              deps.onContainersChanged?.();
              return recheck();
            })
            .catch(() => undefined);
        } else if (status === 'die' || status === 'destroy' || status === 'stop') {
          if (running.delete(id)) deps.onContainersChanged?.();
          actedOn.delete(id);
        }
      },
      (error) => {
        if (stopped) return;
        deps.log(`docker events stream ended${error ? `: ${error.message}` : ''}; reconnecting`);
        setTimeout(() => {
          void refresh().catch(() => undefined);
          follow();
        }, 1000).unref();
      },
    );
  };

  await refresh().catch((error: unknown) => deps.log(`listing containers: ${(error as Error).message}`));
  follow();
  const timer = setInterval(() => void recheck(), 60_000);
  timer.unref();
  void recheck();

  return {
    containers: () =>
      [...running.values()].map((c) => {
        // The console names images by manifest digest; an image without one (built here) goes by its ID.
        const digest = c.imageId ? (deps.manifestDigestOf?.(c.imageId) ?? c.imageId) : undefined;
        return { id: c.id, name: c.name, imageReference: c.imageRef, ...(digest ? { imageDigest: digest } : {}), state: c.state };
      }),
    recheck,
    stop() {
      stopped = true;
      clearInterval(timer);
      stopEvents?.();
    },
  };
}
