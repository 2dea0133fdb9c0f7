/**
 * The environment a docker CLI (or Bulkhead's daemon source) needs to talk to
 * the harness's private dockerd and nothing else: the developer's contexts,
 * TLS settings and credential helpers must not leak in.
 */
import { existsSync } from 'node:fs';

/** Debian's docker.io client matches the daemon; fall back to whatever `docker` is on PATH. */
export const DOCKER_CLI = existsSync('/usr/bin/docker') ? '/usr/bin/docker' : 'docker';

export function dockerClientEnv(dockerHost: string, clientConfigDir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of ['DOCKER_CONTEXT', 'DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH', 'DOCKER_API_VERSION']) delete env[key];
  env.DOCKER_HOST = dockerHost;
  env.DOCKER_CONFIG = clientConfigDir;
  // The classic builder writes the image straight into the daemon, which is what `docker save` and the tests read.
  env.DOCKER_BUILDKIT = '0';
  return env;
}
