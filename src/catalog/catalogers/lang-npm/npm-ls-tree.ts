/**
 * Test support: flattens the dependency tree printed by `npm ls --all --json`
 * or `pnpm ls --json --depth Infinity` into name@version strings.
 */
interface LsNode {
  readonly version?: string;
  readonly dependencies?: Readonly<Record<string, LsNode>>;
  readonly devDependencies?: Readonly<Record<string, LsNode>>;
  readonly optionalDependencies?: Readonly<Record<string, LsNode>>;
}

export function flattenLsTree(root: LsNode): string[] {
  const out = new Set<string>();
  const visit = (node: LsNode): void => {
    for (const [name, child] of Object.entries({ ...node.dependencies, ...node.devDependencies, ...node.optionalDependencies })) {
      if (child.version !== undefined) out.add(`${name}@${child.version}`);
      visit(child);
    }
  };
  visit(root);
  return [...out].sort();
}
