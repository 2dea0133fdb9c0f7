/**
 * The defender's decisions: every AuthZ request dockerd forwards becomes an
 * action, an identity and — for the actions that start or enter containers —
 * the image's knowledge and the run request, evaluated by the one policy
 * engine (policy/evaluate) with the access rules seeing Subject.access.
 * Reads are decided without calling dockerd, which is what keeps the
 * defender's own inspect and export calls (that pass through this very
 * handler) from ever waiting on themselves.
 */
import { randomUUID } from 'node:crypto';
import { ZodError } from 'zod';
import type { Decision, Verdict, Violation } from '../../domain/decision.js';
import type { AccessRequest, DeployRequest, Subject } from '../../domain/subject.js';
import { formatReference, parseImageReference, repositoryName } from '../../image/sources/image-reference.js';
import { evaluate, type PolicySet } from '../../policy/index.js';
import { isRootUser } from '../../policy/image-facts.js';
import { jsonBody, type AuthzAnswer, type AuthzMessage } from '../docker-authz/authz-protocol.js';
import type { AuthzHandler, AuthzPhase } from '../docker-authz/authz-server.js';
import { execBodySchema, parseCreateRequest, type CreateRequest } from '../docker-authz/create-request.js';
import { parseDockerAction, type DockerAction, type DockerActionName } from '../docker-authz/docker-action.js';
import type { LoggedDecision } from './decision-log.js';
import type { DefenderConfig } from './defender-config.js';
import { denialMessage, violationReason } from './denial-message.js';
import type { EngineApi } from './engine-api.js';
import type { ImageToJudge, ImageVerdicts } from './image-verdicts.js';

export interface DefenderDeps {
  readonly config: DefenderConfig;
  readonly policy: () => PolicySet;
  readonly engine: EngineApi;
  readonly verdicts: ImageVerdicts;
  readonly record: (decision: LoggedDecision) => void;
  readonly log: (line: string) => void;
  readonly now?: () => Date;
}

/** Container actions whose target's labels and image are looked up for access rules. */
const CONTAINER_LOOKUP = new Set<DockerActionName>(['container.update', 'container.restart', 'container.stop', 'container.kill', 'container.remove', 'container.rename', 'container.pause', 'container.unpause', 'container.commit', 'container.archive']);
const IMAGE_ACTIONS = new Set<DockerActionName>(['image.pull', 'image.push', 'image.tag', 'image.remove', 'image.import', 'image.save']);
const QUIET = new Set<DockerActionName>(['ping', 'read', 'events', 'container.wait', 'container.attach', 'container.resize', 'exec.resize']);
const MEMO_SIZE = 2048;
const IMAGE_TTL_MS = 10_000;
/** Rule kinds only this host can judge (the console's image decision cannot hold them). */
const HOST_KINDS: ReadonlySet<string> = new Set(['deploy', 'access', 'cel']);

interface InspectedContainer {
  readonly imageId: string;
  readonly imageRef: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly user: string;
  readonly request: CreateRequest;
}

interface Judgement {
  readonly decision: Decision;
  readonly image?: { readonly reference: string; readonly digest?: string };
  readonly extraReasons: readonly string[];
  readonly blockedByDefault: boolean;
}

function normalizeImage(ref: string): string {
  try {
    return formatReference(parseImageReference(ref));
  } catch {
    return ref;
  }
}

/**
 * The subject's image under the name it is used by: scans run on the image ID (immutable),
 * which names no repository, so the name's registry, repository and tag come from the
 * request (or the image's first RepoTag) for scopes and registry rules.
 */
function namedImage(subject: Subject, name: string | undefined): Subject {
  const image = subject.image ?? { tags: [] };
  const candidate = name && !/^(sha256:)?[0-9a-f]{64}$/.test(name) ? name : image.metadata?.repoTags[0];
  if (!candidate) return subject;
  let ref;
  try {
    ref = parseImageReference(candidate);
  } catch {
    return subject;
  }
  return {
    ...subject,
    image: { ...image, reference: formatReference(ref), registry: ref.domain, repository: repositoryName(ref), tags: ref.tag ? [ref.tag] : [], pinnedByDigest: ref.digest !== undefined },
  };
}

function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
}

function stringRecord(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(record(value))) if (typeof v === 'string') out[k] = v;
  return out;
}

function worst(a: Verdict, b: Verdict): Verdict {
  return a === 'block' || b === 'block' ? 'block' : a === 'warn' || b === 'warn' ? 'warn' : 'allow';
}

export function createDefender(deps: DefenderDeps): AuthzHandler & { judgeImage(id: string, name?: string): Decision | undefined; forgetImageNames(): void } {
  const { config, engine, verdicts } = deps;
  const now = deps.now ?? (() => new Date());
  const memo = new Map<string, Decision>();

  const evaluateMemo = (policy: PolicySet, subject: Subject, key: string | undefined): Decision => {
    if (key === undefined) return evaluate(policy, subject, now());
    const full = `${policy.hash}\u0000${key}`;
    const hit = memo.get(full);
    // Decisions that depend on time (expiries, grace periods) are recomputed at least once a minute.
    if (hit && Date.now() - Date.parse(hit.evaluatedAt) < 60_000) return hit;
    const d = evaluate(policy, subject, now());
    if (memo.size >= MEMO_SIZE) memo.delete(memo.keys().next().value as string);
    memo.set(full, d);
    return d;
  };

  const identity = (message: AuthzMessage): { user?: string; groups: readonly string[] } => {
    const user = message.user ?? config.localIdentity;
    return user === undefined ? { groups: [] } : { user, groups: config.groupsOf.get(user) ?? [] };
  };

  const inspectContainer = async (id: string): Promise<InspectedContainer | undefined> => {
    const res = await engine.request('GET', `/containers/${encodeURIComponent(id)}/json`);
    if (res.status === 404) return undefined;
    if (res.status !== 200) throw new Error(`container inspect answered ${res.status}`);
    const c = record(res.json);
    const cfg = record(c.Config);
    const imageRef = typeof cfg.Image === 'string' ? cfg.Image : '';
    const request = parseCreateRequest({ Image: imageRef || String(c.Image), User: cfg.User, Labels: cfg.Labels, HostConfig: c.HostConfig });
    return { imageId: typeof c.Image === 'string' ? c.Image : '', imageRef, labels: stringRecord(cfg.Labels), user: typeof cfg.User === 'string' ? cfg.User : '', request };
  };

  /**
   * Name → image, for creates: saves the inspect round trip (and the two AuthZ calls it causes).
   * Image events (tag, pull, load, delete…) empty it; a start is always judged on the image ID the
   * container really has, so a create that raced a re-tag is caught there.
   */
  const resolved = new Map<string, { image: ImageToJudge; at: number }>();
  const inspectImage = async (ref: string): Promise<ImageToJudge | undefined> => {
    const hit = resolved.get(ref);
    if (hit && Date.now() - hit.at < IMAGE_TTL_MS) return hit.image;
    const image = await inspectImageNow(ref);
    if (image) {
      if (resolved.size >= MEMO_SIZE) resolved.clear();
      resolved.set(ref, { image, at: Date.now() });
    }
    return image;
  };
  const inspectImageNow = async (ref: string): Promise<ImageToJudge | undefined> => {
    const res = await engine.request('GET', `/images/${encodeURIComponent(ref)}/json`);
    if (res.status === 404) return undefined;
    if (res.status !== 200) throw new Error(`image inspect answered ${res.status}`);
    const img = record(res.json);
    const digests = Array.isArray(img.RepoDigests) ? img.RepoDigests.filter((d): d is string => typeof d === 'string').map((d) => d.slice(d.indexOf('@') + 1)) : [];
    return { id: String(img.Id), reference: normalizeImage(ref), manifestDigests: digests };
  };

  /** The decision on running a container: the image's knowledge plus the run request and the access request. */
  const judgeContainer = async (policy: PolicySet, ref: string, deploy: DeployRequest, labels: Readonly<Record<string, string>>, access: AccessRequest, name = ref): Promise<Judgement | undefined> => {
    const found = await inspectImage(ref);
    if (!found) return undefined;
    // A start names the image by ID (what the container really runs); users know it by its name.
    const image = name === ref ? found : { ...found, reference: normalizeImage(name) };
    const knowledge = await verdicts.knowledge(image);
    const context = { deploy, access: { ...access, image: image.reference }, labels, ...(config.environment ? { environment: config.environment } : {}) };
    const imageRef = { reference: image.reference, digest: image.manifestDigests[0] ?? image.id };
    if (knowledge.kind === 'subject') {
      const subject: Subject = { ...namedImage(knowledge.subject, name), ...context };
      const key = `${image.id}\u0000${JSON.stringify(context)}`;
      return { decision: evaluateMemo(policy, subject, key), image: imageRef, extraReasons: [], blockedByDefault: false };
    }
    const bare: Subject = { image: { reference: image.reference, tags: [], digest: imageRef.digest }, packages: [], findings: [], ...context };
    const request = evaluate(policy, bare, now());
    if (knowledge.kind === 'console') {
      // The console judged the image; this host adds what only it sees (the run request, the caller).
      const kinds = new Map(policy.rules.map((r) => [r.id, r.kind]));
      const own = request.violations.filter((v) => HOST_KINDS.has(kinds.get(v.ruleId) ?? ''));
      const violations: Violation[] = [...knowledge.decision.violations, ...own.filter((v) => !knowledge.decision.violations.some((k) => k.ruleId === v.ruleId && k.message === v.message))];
      const verdict = own.reduce<Verdict>((acc, v) => worst(acc, v.effect === 'block' ? 'block' : 'warn'), knowledge.decision.verdict);
      return { decision: { ...request, verdict, violations }, image: imageRef, extraReasons: [], blockedByDefault: false };
    }
    const blocked = config.unscanned === 'block';
    return {
      decision: { ...request, verdict: blocked ? 'block' : worst(request.verdict, config.unscanned === 'warn' ? 'warn' : 'allow') },
      image: imageRef,
      extraReasons: [`${image.reference}: ${knowledge.reason}; unscanned images are ${config.unscanned === 'block' ? 'refused' : 'allowed'} on this host`],
      blockedByDefault: blocked,
    };
  };

  const finish = (action: DockerAction, who: { user?: string; groups: readonly string[] }, policy: PolicySet, j: Judgement): AuthzAnswer => {
    const id = randomUUID();
    const allowed = j.decision.verdict !== 'block';
    const reasons = [...j.decision.violations.map(violationReason), ...j.extraReasons];
    if (!allowed || !QUIET.has(action.name) || config.logReads) {
      deps.record({
        id,
        at: now().toISOString(),
        point: 'docker',
        source: config.hostName,
        action: action.name,
        allowed,
        ...(who.user ? { user: who.user } : {}),
        ...(j.image ? { image: j.image } : {}),
        verdict: j.decision.verdict,
        reasons,
        rules: [...new Set(j.decision.violations.map((v) => v.ruleId))],
      });
    }
    if (allowed) return { Allow: true };
    const policyName = `${policy.name} ${policy.version}`;
    return { Allow: false, Msg: denialMessage({ action: action.name, ...(j.image ? { image: j.image.reference } : {}), policy: policyName, decisionId: id }, j.decision.violations, j.blockedByDefault ? j.extraReasons : []) };
  };

  const decideRequest = async (message: AuthzMessage): Promise<AuthzAnswer> => {
    const action = parseDockerAction(message.method, message.uri);
    if (action.name === 'ping') return { Allow: true };
    if (action.name === 'unknown') return fallback('request', action.reason ?? 'unknown endpoint', message, action);
    const policy = deps.policy();
    const who = identity(message);
    const access: AccessRequest = { action: action.name, groups: who.groups, ...(who.user ? { user: who.user } : {}) };
    const plain = (extra: Partial<AccessRequest> = {}, image?: string): Judgement => {
      const subject: Subject = { packages: [], findings: [], access: { ...access, ...extra }, ...(config.environment ? { environment: config.environment } : {}) };
      const key = `access\u0000${JSON.stringify(subject.access)}`;
      return { decision: evaluateMemo(policy, subject, key), ...(image ? { image: { reference: image } } : {}), extraReasons: [], blockedByDefault: false };
    };

    switch (action.name) {
      case 'container.create': {
        const body = jsonBody(message);
        if (body === undefined) return fallback('request', 'container create without a readable JSON body (dockerd forwards bodies of JSON under 1 MiB)', message, action);
        let req: CreateRequest;
        try {
          req = parseCreateRequest(body);
        } catch (error) {
          return fallback('request', `container create body: ${error instanceof ZodError ? (error.issues[0]?.message ?? 'invalid') : (error as Error).message}`, message, action);
        }
        const j = await judgeContainer(policy, req.image, req.deploy, req.labels, { ...access, targetLabels: req.labels });
        // No such image: dockerd answers 404 itself and the CLI pulls, then creates again — that create is judged.
        return finish(action, who, policy, j ?? plain({ targetLabels: req.labels }, normalizeImage(req.image)));
      }
      case 'container.start': {
        const c = await inspectContainer(action.target ?? '');
        if (!c) return finish(action, who, policy, plain());
        const j = await judgeContainer(policy, c.imageId || c.imageRef, c.request.deploy, c.labels, { ...access, targetLabels: c.labels }, c.imageRef || c.imageId);
        return finish(action, who, policy, j ?? plain({ targetLabels: c.labels }, normalizeImage(c.imageRef)));
      }
      case 'exec.create':
      case 'exec.start': {
        let containerId = action.target ?? '';
        let execUser = '';
        if (action.name === 'exec.start') {
          const res = await engine.request('GET', `/exec/${encodeURIComponent(containerId)}/json`);
          if (res.status !== 200) return finish(action, who, policy, plain());
          const e = record(res.json);
          containerId = typeof e.ContainerID === 'string' ? e.ContainerID : '';
          const pc = record(e.ProcessConfig);
          execUser = typeof pc.user === 'string' ? pc.user : '';
        } else {
          const parsed = execBodySchema.safeParse(jsonBody(message) ?? {});
          execUser = parsed.success ? (parsed.data.User ?? '') : '';
        }
        const c = await inspectContainer(containerId);
        if (!c) return finish(action, who, policy, plain({ execUser }));
        const image = normalizeImage(c.imageRef);
        return finish(action, who, policy, plain({ execUser, targetLabels: c.labels, image, targetRunsAsRoot: isRootUser(c.user) }, image));
      }
      default:
        break;
    }
    if (CONTAINER_LOOKUP.has(action.name) && action.target) {
      const c = await inspectContainer(action.target);
      if (c) return finish(action, who, policy, plain({ targetLabels: c.labels, image: normalizeImage(c.imageRef) }, normalizeImage(c.imageRef)));
    }
    if (IMAGE_ACTIONS.has(action.name) && action.target) {
      const image = normalizeImage(action.target);
      return finish(action, who, policy, plain({ image }, image));
    }
    return finish(action, who, policy, plain());
  };

  const fallback = (phase: AuthzPhase, reason: string, message?: AuthzMessage, action?: DockerAction): AuthzAnswer => {
    const allowed = config.defaultDecision === 'allow';
    const id = randomUUID();
    deps.log(`${phase} ${message ? `${message.method} ${message.uri.slice(0, 200)}` : '(unreadable)'}: ${reason}; default ${config.defaultDecision}`);
    const user = message?.user ?? config.localIdentity;
    deps.record({
      id,
      at: now().toISOString(),
      point: 'docker',
      source: config.hostName,
      action: action?.name ?? 'unknown',
      allowed,
      ...(user ? { user } : {}),
      reasons: [reason],
      rules: [],
      fallback: reason,
    });
    return allowed ? { Allow: true } : { Allow: false, Msg: `Bulkhead could not judge this request (${reason}); this host's default is to refuse it [decision ${id}]` };
  };

  return {
    async decide(phase, message) {
      if (phase === 'response') return { Allow: true };
      return decideRequest(message);
    },
    fallback: (phase, reason, message) => fallback(phase, reason, message),
    forgetImageNames() {
      resolved.clear();
    },
    judgeImage(id, name) {
      const subject = verdicts.subjects().get(id);
      if (!subject) return undefined;
      const policy = deps.policy();
      return evaluateMemo(policy, { ...namedImage(subject, name), ...(config.environment ? { environment: config.environment } : {}) }, `image\u0000${id}\u0000${name ?? ''}`);
    },
  };
}
