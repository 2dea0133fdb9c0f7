/**
 * The typed input CEL rules see. These declarations are what expressions are
 * type-checked against at load time; docs/policy.md documents the same model
 * (a test keeps the two in step). Integers are CEL ints, so `image.ageDays > 30`
 * type-checks and `image.ageDays > 30.0` does not.
 */
export const CEL_TYPES = {
  Image: {
    reference: 'string',
    registry: 'string',
    repository: 'string',
    tags: 'list<string>',
    digest: 'string',
    pinnedByDigest: 'bool',
    user: 'string',
    runsAsRoot: 'bool',
    labels: 'map<string, string>',
    env: 'map<string, string>',
    healthcheck: 'bool',
    exposedPorts: 'list<string>',
    created: 'string',
    ageDays: 'int',
    os: 'string',
    architecture: 'string',
    baseName: 'string',
    baseDigest: 'string',
    layers: 'int',
    history: 'list<string>',
  },
  Package: {
    name: 'string',
    version: 'string',
    ecosystem: 'string',
    purl: 'string',
    sourceName: 'string',
    sourceVersion: 'string',
    licenses: 'list<string>',
    path: 'string',
    layer: 'string',
    foundBy: 'string',
  },
  Vulnerability: {
    id: 'string',
    aliases: 'list<string>',
    severity: 'string',
    cvss: 'double',
    kev: 'bool',
    epss: 'double',
    fixable: 'bool',
    fixedVersions: 'list<string>',
    status: 'string',
    fixAvailableDays: 'int',
    packageName: 'string',
    packageVersion: 'string',
    ecosystem: 'string',
  },
  Finding: {
    kind: 'string',
    id: 'string',
    severity: 'string',
    summary: 'string',
    path: 'string',
    layer: 'string',
  },
  Mount: {
    source: 'string',
    target: 'string',
    type: 'string',
    readOnly: 'bool',
  },
  Deploy: {
    present: 'bool',
    privileged: 'bool',
    capAdd: 'list<string>',
    hostNetwork: 'bool',
    hostPID: 'bool',
    hostIPC: 'bool',
    mounts: 'list<Mount>',
    readOnlyRootfs: 'bool',
    noNewPrivileges: 'bool',
    seccompProfile: 'string',
    apparmorProfile: 'string',
    user: 'string',
    memory: 'int',
    cpus: 'double',
    pids: 'int',
  },
} as const;

/** Top-level variables of subject rules (`cel:` kind). */
export const CEL_SUBJECT_VARIABLES = {
  image: 'Image',
  packages: 'list<Package>',
  vulnerabilities: 'list<Vulnerability>',
  /** Secret, config and license findings (vulnerabilities are above). */
  findings: 'list<Finding>',
  deploy: 'Deploy',
  environment: 'string',
  /** Kubernetes namespace at admission ('' elsewhere); CEL reserves the word namespace. */
  kubeNamespace: 'string',
  labels: 'map<string, string>',
} as const;

/** Variables of application-config conditions (`files:` kind with `cel`). */
export const CEL_FILE_VARIABLES = {
  path: 'string',
  layer: 'string',
  /** Parsed content: map<string, string> for keyvalue, map<string, map<string, string>> for ini, dyn for json/yaml, string for text. */
  content: 'dyn',
} as const;

/** Functions added to the standard library. */
export const CEL_FUNCTIONS = {
  'versionCompare(string, string, string): int':
    "versionCompare(ecosystem, a, b): -1, 0 or 1 in that ecosystem's version order (deb, rpm, apk, npm, pypi, maven, go, …)",
} as const;
