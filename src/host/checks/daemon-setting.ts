/** Reads one daemon setting for a check, with the evidence line that names where it came from. */
import type { DaemonConfig } from '../facts/daemon-config.js';
import type { HostFacts } from '../facts/host-facts.js';
import type { Known } from '../facts/known.js';
import type { HostEvidence } from '../host-check.js';

export interface SettingReading {
  readonly values: readonly string[];
  readonly last: string | undefined;
  readonly evidence: HostEvidence;
}

export function readSetting(facts: HostFacts, flag: string, configKey?: keyof DaemonConfig, shownDefault = '(default)'): Known<SettingReading> {
  const got = facts.settings.get(flag, configKey);
  if (!got.ok) return got;
  const { values, source } = got.value;
  const name = source === 'daemon.json' ? (configKey ?? flag) : `--${flag}`;
  const subject = source === 'daemon.json' && facts.daemonConfig.ok ? facts.daemonConfig.value.path : source === 'command line' ? 'dockerd command line' : 'daemon';
  return {
    ok: true,
    value: { values, last: values.at(-1), evidence: { subject, field: name, value: values.length > 0 ? values.join(', ') : shownDefault } },
  };
}

/** An evidence line for a value the Engine reported. */
export function engineEvidence(field: string, value: unknown): HostEvidence {
  return { subject: 'daemon (/info)', field, value: value === undefined || value === null ? '(not reported)' : Array.isArray(value) ? value.join(', ') || '(empty)' : String(value) };
}
