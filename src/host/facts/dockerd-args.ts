/**
 * Parses dockerd's command line the way its flag library does: `--flag=value`,
 * `--flag value`, boolean flags that take a value only after `=`, short
 * aliases, and repeated flags that accumulate.
 */
export interface DockerdArgs {
  /** Long flag name (without dashes) → every value given, in order. */
  readonly values: ReadonlyMap<string, readonly string[]>;
}

const SHORT: Record<string, string> = { H: 'host', D: 'debug', l: 'log-level', G: 'group', p: 'pidfile', g: 'data-root', b: 'bridge', s: 'storage-driver' };
const ALIASES: Record<string, string> = { graph: 'data-root' };
const BOOLEAN = new Set([
  'debug', 'icc', 'iptables', 'ip6tables', 'ip-forward', 'ip-masq', 'live-restore', 'userland-proxy', 'experimental',
  'no-new-privileges', 'tls', 'tlsverify', 'selinux-enabled', 'raw-logs', 'rootless', 'validate', 'init', 'ipv6',
]);

export function parseDockerdArgs(args: readonly string[]): DockerdArgs {
  const values = new Map<string, string[]>();
  const add = (name: string, value: string): void => {
    const key = ALIASES[name] ?? name;
    values.set(key, [...(values.get(key) ?? []), value]);
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    let name: string;
    let inline: string | undefined;
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
      inline = eq >= 0 ? arg.slice(eq + 1) : undefined;
    } else if (/^-[A-Za-z]/.test(arg)) {
      const letter = arg[1] as string;
      name = SHORT[letter] ?? letter;
      const rest = arg.slice(2);
      inline = rest.startsWith('=') ? rest.slice(1) : rest === '' ? undefined : rest;
    } else {
      continue;
    }
    if (inline !== undefined) add(name, inline);
    else if (BOOLEAN.has(ALIASES[name] ?? name)) add(name, 'true');
    else if (i + 1 < args.length) add(name, args[++i] as string);
  }
  return { values };
}
