/**
 * Image configuration checks (CIS Docker Benchmark section 4 and kin): pure
 * functions over the image metadata and file tree returning kind 'config'
 * findings with the CIS id in their aliases ('CIS-Docker-4.1'). The policy
 * engine runs them through their ids and zod parameter schemas.
 */
export * from './checks.js';
export { configFinding, IMAGE_CONFIG_SOURCE } from './image-config-check.js';
export type { ImageCheckSubject, ImageConfigCheck } from './image-config-check.js';
export { runImageConfigChecks } from './run-image-config-checks.js';
export type { ImageConfigCheckId } from './run-image-config-checks.js';
