/**
 * The daemon's effective settings: its command line first, then daemon.json
 * (dockerd refuses to start when both set the same key, so the order only
 * matters for a daemon.json edited after start — the command line is what runs).
 */
import type { DaemonConfig, DaemonConfigFact } from './daemon-config.js';
import type { DockerdProcess } from './dockerd-process.js';
import type { Known } from './known.js';

export interface SettingValue {
  /** Every value: one for scalars, any number for list flags. */
  readonly values: readonly string[];
  readonly source: 'command line' | 'daemon.json' | 'default';
}

export interface DaemonSettings {
  /** Why settings are incomplete (a malformed daemon.json, no dockerd process), if they are. */
  readonly gap?: string;
  get(flag: string, configKey?: keyof DaemonConfig): Known<SettingValue>;
}

export function daemonSettings(dockerd: Known<DockerdProcess> | undefined, config: Known<DaemonConfigFact>): DaemonSettings {
  const gaps = [dockerd && !dockerd.ok ? `dockerd command line unknown (${dockerd.reason})` : undefined, config.ok ? undefined : config.reason].filter(
    (g): g is string => Boolean(g),
  );
  return {
    ...(gaps.length > 0 ? { gap: gaps.join('; ') } : {}),
    get(flag, configKey) {
      if (dockerd?.ok) {
        const fromArgs = dockerd.value.args.values.get(flag);
        if (fromArgs && fromArgs.length > 0) return { ok: true, value: { values: fromArgs, source: 'command line' } };
      }
      const key = configKey ?? (flag as keyof DaemonConfig);
      if (!config.ok) return { ok: false, reason: config.reason };
      const raw = config.value.config[key];
      if (raw !== undefined) {
        const values = Array.isArray(raw) ? raw.map(String) : typeof raw === 'object' ? Object.keys(raw as object) : [String(raw)];
        return { ok: true, value: { values, source: 'daemon.json' } };
      }
      if (dockerd && !dockerd.ok) return { ok: false, reason: `dockerd command line unknown (${dockerd.reason})` };
      return { ok: true, value: { values: [], source: 'default' } };
    },
  };
}
