/**
 * The package list dpkg itself reports inside an image: the expected answer
 * for every dpkg cataloger test. Runs dpkg-query in a throwaway container
 * without network.
 */
import type { DockerDaemon } from './docker-daemon.js';
import type { DpkgRecord } from './integration-facts.js';

export const DPKG_QUERY_FORMAT = '${Package}\\t${Version}\\t${Architecture}\\t${source:Package}\\t${source:Version}\\n';

export async function dpkgQuery(daemon: DockerDaemon, image: string): Promise<DpkgRecord[]> {
  const result = await daemon.docker([
    'run', '--rm', '--network', 'none', '--entrypoint', 'dpkg-query', image, '-W', `-f=${DPKG_QUERY_FORMAT}`,
  ]);
  return parseDpkgQuery(result.stdout);
}

export function parseDpkgQuery(output: string): DpkgRecord[] {
  return output
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const [name, version, arch, sourceName, sourceVersion] = line.split('\t');
      if (!name || !version || !arch || !sourceName || !sourceVersion) throw new Error(`unexpected dpkg-query line: ${line}`);
      return { name, version, arch, sourceName, sourceVersion };
    });
}
