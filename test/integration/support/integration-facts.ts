/**
 * What the integration global setup hands to the test files (through vitest's
 * provide/inject): where the private dockerd and registry listen, the fixture
 * images in every transport, and the expected answers taken from real tools
 * (dpkg-query in the image, docker inspect, skopeo inspect, tar listings).
 * `describeWithServices` skips a suite with the setup's reason when the
 * services could not start outside CI; in CI the setup throws instead.
 */
import { describe, inject, it } from 'vitest';

/** One line of `dpkg-query -W -f='${Package}\t${Version}\t${Architecture}\t${source:Package}\t${source:Version}\n'`. */
export interface DpkgRecord {
  readonly name: string;
  readonly version: string;
  readonly arch: string;
  readonly sourceName: string;
  readonly sourceVersion: string;
}

/** The fields of `docker inspect` the tests compare against. */
export interface InspectFacts {
  /** Image ID: the config digest, 'sha256:…'. */
  readonly id: string;
  readonly repoTags: readonly string[];
  readonly repoDigests: readonly string[];
  readonly user: string;
  readonly env: readonly string[];
  readonly labels: Readonly<Record<string, string>>;
  readonly workingDir: string;
  readonly cmd: readonly string[];
  readonly entrypoint: readonly string[];
  readonly os: string;
  readonly architecture: string;
  readonly created: string;
  /** RootFS.Layers: diffIds, base first. */
  readonly layers: readonly string[];
}

/** One filesystem layer as `docker save` wrote it. */
export interface LayerListing {
  readonly diffId: string;
  /** Whiteout entries ('.wh.<name>' and '.wh..wh..opq'), as paths without a leading '/'. */
  readonly whiteouts: readonly string[];
  /** Every path the layer writes, without a leading '/' (directories end in '/'). */
  readonly entries: readonly string[];
}

/** What skopeo says about an OCI export (skopeo converts the config, so its digest differs from docker's). */
export interface OciExportFacts {
  readonly manifestDigest: string;
  readonly configDigest: string;
  readonly layerMediaTypes: readonly string[];
}

export type TransportName = 'docker-archive' | 'oci' | 'oci-archive' | 'oci-zstd' | 'registry' | 'docker' | 'dir';

export interface FixtureImage {
  /** Directory name under test/integration/images/, e.g. 'openssl-curl'. */
  readonly name: string;
  /** Tag in the private daemon, e.g. 'bulkhead-test/openssl-curl:latest'. */
  readonly tag: string;
  /** The same image in the private registry, e.g. '127.0.0.1:41234/bulkhead-test/openssl-curl:latest'. */
  readonly registryRef: string;
  /** Manifest digest the registry holds (from docker push / RepoDigests). */
  readonly registryDigest: string;
  /** Bulkhead target strings, one per transport, e.g. 'oci:/tmp/…/oci:latest'. */
  readonly targets: Readonly<Record<TransportName, string>>;
  /** Filesystem paths behind the file-based transports. */
  readonly paths: {
    readonly dockerArchive: string;
    readonly ociDir: string;
    readonly ociArchive: string;
    readonly ociZstdDir: string;
    readonly rootfsDir: string;
  };
  readonly oci: Readonly<Record<'oci' | 'oci-archive' | 'oci-zstd', OciExportFacts>>;
  readonly inspect: InspectFacts;
  readonly dpkg: readonly DpkgRecord[];
  /** `dpkg-query -L` per package name: what dpkg says each package installed. */
  readonly dpkgFiles: Readonly<Record<string, readonly string[]>>;
  /** /etc/os-release as `cat` prints it inside the image. */
  readonly osRelease: string;
  readonly layers: readonly LayerListing[];
  /** diffId of the last layer that wrote /var/lib/dpkg/status. */
  readonly dpkgStatusLayer: string;
}

export interface ReadyFacts {
  readonly ready: true;
  /** DOCKER_HOST of the private daemon, 'unix:///…/docker.sock'. */
  readonly dockerHost: string;
  /** DOCKER_CONFIG directory for a docker CLI aimed at the private daemon. */
  readonly dockerClientConfig: string;
  readonly registry: { readonly host: string; readonly url: string };
  readonly debian: { readonly tag: string; readonly mirror: string };
  readonly images: Readonly<Record<string, FixtureImage>>;
  /** Scratch directory removed at teardown; tests may create sub-directories in it. */
  readonly workDir: string;
  /** Seconds per setup step, for the record. */
  readonly timings: Readonly<Record<string, number>>;
}

export interface UnavailableFacts {
  readonly ready: false;
  readonly reason: string;
}

export type IntegrationFacts = ReadyFacts | UnavailableFacts;

declare module 'vitest' {
  export interface ProvidedContext {
    bulkheadIntegration: IntegrationFacts;
  }
}

export function integrationFacts(): IntegrationFacts {
  return inject('bulkheadIntegration');
}

/**
 * A describe block that runs only when the real services are up. Outside CI a
 * missing prerequisite skips it, and the reason is part of the suite name so
 * the test report says why.
 */
export function describeWithServices(name: string, body: (facts: ReadyFacts) => void): void {
  const facts = integrationFacts();
  if (facts.ready) {
    describe(name, () => body(facts));
  } else {
    // The body is not collected: it may index into facts that do not exist.
    describe(name, () => {
      it.skip(`needs the integration services: ${facts.reason}`, () => {});
    });
  }
}
