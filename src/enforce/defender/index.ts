/**
 * defender: Bulkhead on a Docker host. Serves Docker's authorization plugin
 * protocol, judges every API call with the one policy engine (image verdicts,
 * run-time settings, who may do what), watches running containers and acts
 * when an image turns blocked, and logs and reports every decision.
 * Standalone with a policy file, or connected to a console.
 */
export { runDefender, type RunningDefender } from './run-defender.js';
export { readDefenderFile, groupsByUser, defaultHostName, RUNNING_ACTIONS, type DefenderConfig, type DefenderFile, type RunningAction } from './defender-config.js';
