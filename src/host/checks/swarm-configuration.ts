/**
 * CIS section 7: Docker Swarm. Every check is not-applicable unless /info
 * reports an active swarm; the automatable ones then read /info Swarm, the
 * rest are manual.
 */
import type { HostFacts } from '../facts/host-facts.js';
import { verdict } from '../host-check.js';
import type { HostCheck, HostCheckVerdict } from '../host-check.js';

function inactive(facts: HostFacts): HostCheckVerdict | undefined {
  if (facts.mode === 'offline') return verdict('not-applicable', [], 'offline audit (--root): swarm state is read through the daemon');
  if (!facts.engine.ok) return verdict('warn', [], facts.engine.reason);
  const state = facts.engine.value.info.Swarm?.LocalNodeState ?? '';
  return state === 'active' ? undefined : verdict('not-applicable', [{ subject: 'daemon (/info)', field: 'Swarm.LocalNodeState', value: state || 'inactive' }], 'swarm mode is not active');
}

function swarmCheck(id: string, title: string, level: 1 | 2, what: string, decide?: (facts: HostFacts) => HostCheckVerdict): HostCheck {
  return {
    id,
    title,
    level,
    scored: decide !== undefined,
    audit: decide ? what : `Manual (when swarm is active): ${what}`,
    remediation: what,
    evaluate: (facts) => inactive(facts) ?? (decide ? decide(facts) : verdict('manual', [], what)),
  };
}

export const swarmConfigurationChecks: readonly HostCheck[] = [
  swarmCheck('7.1', 'Ensure that the minimum number of manager nodes have been created in a swarm', 1, '/info Swarm.Managers is shown; confirm it is the minimum needed for fault tolerance (an odd number, usually 3 or 5).', (facts) => {
    const managers = facts.engine.ok ? facts.engine.value.info.Swarm?.Managers : undefined;
    return verdict('info', [{ subject: 'daemon (/info)', field: 'Swarm.Managers', value: String(managers ?? 'unknown') }], 'confirm the number of managers');
  }),
  swarmCheck('7.2', 'Ensure that swarm services are bound to a specific host interface', 1, 'confirm the swarm listens on a specific address (docker swarm init --listen-addr) — `ss -lp | grep 2377`.'),
  swarmCheck('7.3', 'Ensure that all Docker swarm overlay networks are encrypted', 1, 'every overlay network must have the encrypted option (docker network inspect --format {{.Options}}).'),
  swarmCheck('7.4', 'Ensure that Docker\'s secret management commands are used for managing secrets in a swarm cluster', 1, 'review that services take secrets from docker secret, not environment variables.'),
  swarmCheck('7.5', 'Ensure that swarm manager is run in auto-lock mode', 1, 'confirm auto-lock is on (docker swarm unlock-key) or enable it with docker swarm update --autolock.'),
  swarmCheck('7.6', 'Ensure that the swarm manager auto-lock key is rotated periodically', 1, 'rotate the unlock key regularly (docker swarm unlock-key --rotate).'),
  swarmCheck('7.7', 'Ensure that node certificates are rotated as appropriate', 1, 'set a certificate expiry suited to your policy (docker swarm update --cert-expiry).'),
  swarmCheck('7.8', 'Ensure that CA certificates are rotated as appropriate', 1, 'rotate the swarm root CA when required (docker swarm ca --rotate).'),
  swarmCheck('7.9', 'Ensure that management plane traffic is separated from data plane traffic', 1, 'use --data-path-addr to separate data traffic from management traffic.'),
];
