/** Splits an absolute path into its non-empty components. */
export function pathSegments(path: string): string[] {
  return path.split('/').filter((s) => s !== '');
}
