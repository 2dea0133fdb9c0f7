/**
 * Dockerfile lint for `bulkhead scan dockerfile:PATH`: a parser that keeps
 * line numbers and the security rules run over it. Findings feed the same
 * policy engine as image findings.
 */
export { lintDockerfile, DOCKERFILE_RULES } from './lint-dockerfile.js';
export type { DockerfileRule } from './lint-dockerfile.js';
export { parseDockerfile, MAX_DOCKERFILE_BYTES } from './parse-dockerfile.js';
export type { Dockerfile, Heredoc, Instruction } from './parse-dockerfile.js';
