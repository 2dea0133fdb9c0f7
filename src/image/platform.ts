/**
 * Platforms as OCI names them (`os/architecture[/variant]`): parsing,
 * the host's default, normalization (aarch64 → arm64/v8, x86_64 → amd64)
 * and matching against the platforms an index offers.
 */
import { BadInputError } from '../domain/errors.js';

export interface Platform {
  readonly os: string;
  readonly architecture: string;
  readonly variant?: string;
}

const ARCH_ALIASES: Readonly<Record<string, string>> = {
  x86_64: 'amd64',
  'x86-64': 'amd64',
  x64: 'amd64',
  aarch64: 'arm64',
  armhf: 'arm',
  armel: 'arm',
  i386: '386',
  i686: '386',
  ia32: '386',
  ppc64el: 'ppc64le',
};

/** Node's process.arch → OCI architecture. */
const NODE_ARCH: Readonly<Record<string, string>> = {
  x64: 'amd64',
  arm64: 'arm64',
  arm: 'arm',
  ia32: '386',
  ppc64: 'ppc64le',
  s390x: 's390x',
  riscv64: 'riscv64',
  loong64: 'loong64',
  mips: 'mips',
  mipsel: 'mipsle',
};

/** Lower-cases, maps aliases and fills the default variant (arm64 → v8, arm → v7), as containerd does. */
export function normalizePlatform(platform: Platform): Platform {
  const os = platform.os.toLowerCase();
  const architecture = ARCH_ALIASES[platform.architecture.toLowerCase()] ?? platform.architecture.toLowerCase();
  let variant = platform.variant?.toLowerCase() || undefined;
  if (architecture === 'arm64' && (variant === undefined || variant === '8')) variant = 'v8';
  if (architecture === 'arm' && variant === undefined) variant = platform.architecture.toLowerCase() === 'armel' ? 'v6' : 'v7';
  if (architecture === 'arm' && variant !== undefined && /^\d$/.test(variant)) variant = `v${variant}`;
  if (architecture === 'amd64' && (variant === 'v1' || variant === '')) variant = undefined;
  return variant !== undefined ? { os, architecture, variant } : { os, architecture };
}

/** Parses `os/arch[/variant]`, e.g. 'linux/arm64/v8'. */
export function parsePlatform(text: string): Platform {
  const parts = text.trim().split('/');
  const valid = parts.length >= 2 && parts.length <= 3 && parts.every((part) => /^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$/.test(part));
  if (!valid) throw new BadInputError(`invalid platform ${JSON.stringify(text)}: expected os/arch[/variant], e.g. linux/amd64`);
  const [os, architecture, variant] = parts as [string, string, string | undefined];
  return normalizePlatform(variant !== undefined ? { os, architecture, variant } : { os, architecture });
}

export function formatPlatform(platform: Platform): string {
  return [platform.os, platform.architecture, platform.variant].filter(Boolean).join('/');
}

/** The platform images are pulled for by default: Linux on this machine's CPU (Docker Desktop runs Linux containers on macOS too). */
export function hostPlatform(): Platform {
  const os = process.platform === 'win32' ? 'windows' : 'linux';
  const architecture = NODE_ARCH[process.arch] ?? process.arch;
  if (architecture === 'arm') {
    const armVersion = (process.config.variables as Record<string, unknown>)['arm_version'];
    return normalizePlatform({ os, architecture, variant: typeof armVersion === 'string' ? `v${armVersion}` : 'v7' });
  }
  return normalizePlatform({ os, architecture });
}

/** Whether `candidate` (from an index) runs as `wanted`; a wanted platform without variant accepts any variant. */
export function platformMatches(candidate: Platform, wanted: Platform): boolean {
  const a = normalizePlatform(candidate);
  const b = normalizePlatform(wanted);
  if (a.os !== b.os || a.architecture !== b.architecture) return false;
  return wanted.variant === undefined || a.variant === b.variant;
}
