/** What Bulkhead records about an image: identity, platform, configuration and layers. */

/** One layer as the image configuration sees it, in order from the base up. */
export interface LayerRef {
  /** 0-based position among the image's filesystem layers. */
  readonly index: number;
  /** sha256 of the uncompressed layer tar (the config's rootfs.diff_ids entry). */
  readonly diffId: string;
  /** Digest of the blob as stored (compressed), where the source knows it. */
  readonly digest?: string;
  readonly mediaType?: string;
  /** Size in bytes of the blob as stored, where known. */
  readonly size?: number;
  /** The history entry (Dockerfile instruction) that produced this layer. */
  readonly createdBy?: string;
  readonly created?: string;
}

export interface HistoryEntry {
  readonly created?: string;
  readonly createdBy?: string;
  readonly comment?: string;
  readonly emptyLayer: boolean;
}

export interface HealthCheck {
  readonly test: readonly string[];
  readonly interval?: number;
  readonly timeout?: number;
  readonly retries?: number;
}

/** The runtime configuration from the image config blob (`config` object). */
export interface ImageConfig {
  readonly user?: string;
  /** Environment variables as NAME=value strings, exactly as the image declares them. */
  readonly env: readonly string[];
  readonly entrypoint?: readonly string[];
  readonly cmd?: readonly string[];
  readonly workingDir?: string;
  readonly exposedPorts: readonly string[];
  readonly volumes: readonly string[];
  readonly labels: Readonly<Record<string, string>>;
  readonly healthcheck?: HealthCheck;
  readonly stopSignal?: string;
}

export interface ImageMetadata {
  /** Manifest digest where the source has one (registry, OCI layout, daemon RepoDigests). */
  readonly manifestDigest?: string;
  /** Digest of the config blob: the image ID docker shows. */
  readonly configDigest: string;
  readonly mediaType?: string;
  readonly repoTags: readonly string[];
  readonly repoDigests: readonly string[];
  readonly os: string;
  readonly architecture: string;
  readonly variant?: string;
  readonly created?: string;
  readonly author?: string;
  readonly config: ImageConfig;
  readonly history: readonly HistoryEntry[];
  readonly layers: readonly LayerRef[];
}
