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

/**
 * `dpkg-query -L` for every installed package, keyed by package name: the
 * files dpkg says each package installed (directories included, as dpkg
 * lists them).
 */
export async function dpkgFileLists(daemon: DockerDaemon, image: string): Promise<Record<string, string[]>> {
  const script = `for p in $(dpkg-query -W -f='\${binary:Package}\\n'); do printf '@@ %s\\n' "\${p%%:*}"; dpkg-query -L "$p"; done`;
  const result = await daemon.docker(['run', '--rm', '--network', 'none', '--entrypoint', 'sh', image, '-c', script]);
  const lists: Record<string, string[]> = {};
  let current: string[] | undefined;
  for (const line of result.stdout.split('\n')) {
    if (line.startsWith('@@ ')) {
      current = lists[line.slice(3)] = [];
    } else if (line.startsWith('/') && current) {
      current.push(line);
    }
  }
  return lists;
}
