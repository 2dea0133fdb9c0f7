/** The operating system of an image, as /etc/os-release (or its fallbacks) names it. */
export interface Distro {
  /** os-release ID, lower case: 'debian', 'ubuntu', 'alpine', 'rhel', 'rocky', … */
  readonly id: string;
  /** os-release VERSION_ID, e.g. '12', '3.19.1', '9.3'. Absent on rolling releases. */
  readonly versionId?: string;
  readonly versionCodename?: string;
  readonly prettyName?: string;
  /** os-release ID_LIKE, split on whitespace. */
  readonly idLike: readonly string[];
  /** Which file the facts came from, e.g. '/etc/os-release'. */
  readonly source: string;
}
