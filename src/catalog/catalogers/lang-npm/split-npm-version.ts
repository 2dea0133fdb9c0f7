/**
 * Lockfiles write a version field that is sometimes not a version: a git URL
 * with a commit, a file: path, a tarball URL, or an alias "npm:name@1.2.3".
 * Matchers can only use a registry version, so anything else is kept aside as
 * `resolved` and the version stays empty.
 */
export interface SplitNpmVersion {
  readonly version: string;
  /** The real package name when the entry is an npm alias. */
  readonly aliasOf?: string;
  /** The non-registry source (git URL, file: path, tarball URL). */
  readonly resolved?: string;
  /** The commit of a git source, when the reference names one. */
  readonly commit?: string;
}

const NON_REGISTRY = /^(?:git\+|git:|github:|gitlab:|bitbucket:|gist:|file:|link:|https?:|workspace:|portal:|patch:)/;

export function splitNpmVersion(raw: string): SplitNpmVersion {
  if (raw.startsWith('npm:')) {
    const spec = raw.slice(4);
    const at = spec.lastIndexOf('@');
    if (at > 0) return { version: spec.slice(at + 1), aliasOf: spec.slice(0, at) };
    return { version: spec };
  }
  if (NON_REGISTRY.test(raw) || /^[\w.-]+\/[\w.-]+#/.test(raw)) {
    const commit = /#([0-9a-f]{40})$/.exec(raw)?.[1];
    return { version: '', resolved: raw, ...(commit !== undefined ? { commit } : {}) };
  }
  return { version: raw };
}
