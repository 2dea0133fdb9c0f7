/** Whether a path has a node_modules directory among its parents. */
export function isInsideNodeModules(path: string): boolean {
  return path.includes('/node_modules/');
}
