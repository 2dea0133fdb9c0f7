/**
 * Turns a Go toolchain version ('go1.22.3', 'go1.21rc2', 'go1.20.1 X:boringcrypto')
 * into the semver the Go vulnerability database uses for the `stdlib` module
 * ('v1.22.3', 'v1.21.0-rc.2'). We keep the `v` prefix so stdlib versions look
 * like every other Go module version (v1.2.3) and compare with the same scheme.
 */
export function goStdlibVersion(goVersion: string): string | undefined {
  const m = /^go(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:(rc|beta)(\d+))?(?:[\s-].*)?$/.exec(goVersion.trim());
  if (!m) return undefined;
  const [, major, minor = '0', patch = '0', pre, preN] = m;
  // go1.21.0 and later name the first release of a line 'go1.21.0'; earlier ones 'go1.20'. Both mean .0.
  return `v${major}.${minor}.${patch}${pre ? `-${pre}.${preN}` : ''}`;
}
