/** Every CIS Docker Benchmark v1.6.0 check Bulkhead runs, in benchmark order. */
import type { HostCheck } from '../host-check.js';
import { containerImagesChecks } from './container-images.js';
import { containerRuntimeChecks } from './container-runtime.js';
import { daemonConfigurationChecks } from './daemon-configuration.js';
import { daemonFilesChecks } from './daemon-files-permissions.js';
import { hostConfigurationChecks } from './host-configuration.js';
import { securityOperationsChecks } from './security-operations.js';
import { swarmConfigurationChecks } from './swarm-configuration.js';

export const HOST_CHECKS: readonly HostCheck[] = [
  ...hostConfigurationChecks,
  ...daemonConfigurationChecks,
  ...daemonFilesChecks,
  ...containerImagesChecks,
  ...containerRuntimeChecks,
  ...securityOperationsChecks,
  ...swarmConfigurationChecks,
];

export const SECTION_TITLES: Readonly<Record<string, string>> = {
  '1': 'Host Configuration',
  '2': 'Docker daemon configuration',
  '3': 'Docker daemon configuration files',
  '4': 'Container Images and Build File',
  '5': 'Container Runtime',
  '6': 'Docker Security Operations',
  '7': 'Docker Swarm Configuration',
};
