/**
 * Parses Gradle dependency lock state: `gradle.lockfile` lines
 * `group:artifact:version=conf1,conf2` (Gradle 6+; the `empty=` line lists
 * configurations with nothing locked), and the older per-configuration
 * `gradle/dependency-locks/<conf>.lockfile` lines `group:artifact:version`.
 */
import { BadInputError } from '../../../domain/errors.js';

export interface GradleLock {
  readonly group: string;
  readonly artifact: string;
  readonly version: string;
  readonly configurations: readonly string[];
}

const MAX_LINES = 200_000;

/** `configuration` names the file's configuration for the per-configuration format. */
export function parseGradleLockfile(text: string, configuration?: string): GradleLock[] {
  const lines = text.split(/\r?\n/);
  if (lines.length > MAX_LINES) throw new BadInputError(`lockfile has more than ${MAX_LINES} lines`);
  const locks: GradleLock[] = [];
  for (const [n, raw] of lines.entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith('empty=')) continue;
    const eq = line.indexOf('=');
    const coordinates = eq < 0 ? line : line.slice(0, eq);
    const configurations = eq < 0 ? (configuration ? [configuration] : []) : line.slice(eq + 1).split(',').filter(Boolean);
    const [group, artifact, version, ...rest] = coordinates.split(':');
    if (!group || !artifact || !version || rest.length > 0) throw new BadInputError(`lockfile line ${n + 1} is not group:artifact:version`);
    locks.push({ group, artifact, version, configurations });
  }
  return locks;
}
