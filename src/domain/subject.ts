/**
 * What a policy decision is about: an image (or just its packages), what was
 * found in it, the files rules need, and — at enforcement points — the run
 * request, with the context (environment, namespace, labels) that scopes rules.
 * Callers build it; the policy engine only reads it.
 */
import type { Finding } from './finding.js';
import type { ImageMetadata } from './image.js';
import type { Package } from './package.js';

export interface SubjectImage {
  /** The reference as the user gave it, normalized: 'docker.io/library/debian:12'. */
  readonly reference?: string;
  /** Registry host: 'docker.io', 'ghcr.io', 'localhost:5000'. */
  readonly registry?: string;
  /** Canonical repository name with registry: 'docker.io/library/debian'. */
  readonly repository?: string;
  /** Tags this image is known by (the reference's tag and RepoTags). */
  readonly tags: readonly string[];
  /** Manifest digest (sha256:…) when known. */
  readonly digest?: string;
  /** True when the reference pinned the digest (`name@sha256:…`). */
  readonly pinnedByDigest?: boolean;
  /**
   * Other names of the same content: every repository and repository:tag the
   * console has seen this digest under. Rule scopes' `images:` match any of
   * them, so a rule for one team's repository covers the image however it was
   * last pushed; exceptions match the evaluated reference only.
   */
  readonly knownAs?: readonly string[];
  readonly metadata?: ImageMetadata;
}

/** A file's text as read from the image, for application-configuration rules. */
export interface SubjectFile {
  readonly content: string;
  /** diffId of the layer that wrote it. */
  readonly layer?: string;
}

export interface DeployMount {
  /** Host path for bind mounts, volume name for volumes. */
  readonly source: string;
  readonly target: string;
  readonly type: 'bind' | 'volume' | 'tmpfs' | 'npipe' | string;
  readonly readOnly: boolean;
}

/** A container run request, normalized from Docker's create body or a Kubernetes pod spec. */
export interface DeployRequest {
  readonly privileged: boolean;
  readonly capAdd: readonly string[];
  readonly hostNetwork: boolean;
  readonly hostPID: boolean;
  readonly hostIPC: boolean;
  readonly mounts: readonly DeployMount[];
  readonly readOnlyRootfs: boolean;
  readonly noNewPrivileges: boolean;
  /** 'unconfined', 'runtime/default', a profile path or name; absent = the runtime default. */
  readonly seccompProfile?: string;
  readonly apparmorProfile?: string;
  /** Limits; absent = unlimited. memory in bytes, cpus in cores, pids a count. */
  readonly resources: { readonly memory?: number; readonly cpus?: number; readonly pids?: number };
  /** The user the container runs as, overriding the image's USER; absent = the image's. */
  readonly user?: string;
}

/**
 * Who asks to do what, at an enforcement point: the Docker API action
 * ('container.create', 'exec.create', 'image.pull', …), the identity and its
 * groups, and the target's labels and image, for access-control rules.
 */
export interface AccessRequest {
  readonly action: string;
  /** The Docker user (TLS client certificate name) or the configured local identity; absent = anonymous. */
  readonly user?: string;
  readonly groups: readonly string[];
  /** Labels of the container acted on (exec, start, update), or of the create request. */
  readonly targetLabels?: Readonly<Record<string, string>>;
  /** Normalized image reference of the target, when known. */
  readonly image?: string;
  /** For exec: the user the command runs as ('' = the container's user). */
  readonly execUser?: string;
  /** For exec: whether the container runs as root when execUser is empty. */
  readonly targetRunsAsRoot?: boolean;
}

export type SubjectEnvironment = 'dev' | 'test' | 'prod' | (string & {});

export interface Subject {
  readonly image?: SubjectImage;
  readonly packages: readonly Package[];
  /** Vulnerabilities, secrets, configuration and license findings together. */
  readonly findings: readonly Finding[];
  /** path → content, for the paths application-config rules ask for (`requiredFilePatterns`). */
  readonly files?: Readonly<Record<string, SubjectFile>>;
  readonly deploy?: DeployRequest;
  /** The API action and identity, at enforcement points that control access (the Docker defender). */
  readonly access?: AccessRequest;
  readonly environment?: SubjectEnvironment;
  /** Workload labels (pod / container labels); image labels are in image.metadata. */
  readonly labels?: Readonly<Record<string, string>>;
  /** Kubernetes namespace, at admission. */
  readonly namespace?: string;
  /** Ids of the data the decision rests on, copied into Decision.basis. */
  readonly basis?: { readonly inventoryId?: string; readonly advisorySnapshot?: string };
}
