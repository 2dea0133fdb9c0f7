/**
 * The package name of a yarn descriptor or locator ('@scope/name@^1.0.0',
 * 'name@npm:1.2.3', 'alias@npm:real@^1'); the '@' that ends the name is the
 * first one after a leading scope '@'.
 */
export function descriptorName(descriptor: string): { name: string; range: string } {
  const at = descriptor.indexOf('@', descriptor.startsWith('@') ? 1 : 0);
  if (at <= 0) return { name: descriptor, range: '' };
  return { name: descriptor.slice(0, at), range: descriptor.slice(at + 1) };
}

/** For an npm alias range 'npm:real-name@^1.0.0', the real name; otherwise undefined. */
export function aliasTarget(range: string): string | undefined {
  if (!range.startsWith('npm:')) return undefined;
  const spec = range.slice(4);
  const at = spec.lastIndexOf('@');
  return at > 0 ? spec.slice(0, at) : undefined;
}
