import type { DependencyScope } from '../../../domain/package.js';

/** The scope npm's lockfile flags give a package (`dev` and `devOptional` are left out by `--omit=dev`). */
export function npmScope(flags: { dev?: boolean; optional?: boolean; devOptional?: boolean; peer?: boolean }): DependencyScope | undefined {
  if (flags.dev || flags.devOptional) return 'dev';
  if (flags.optional) return 'optional';
  if (flags.peer) return 'peer';
  return undefined;
}
