/**
 * Options shared by every command that takes a target, and the inventory run
 * behind them: progress on a TTY, stage timings under --debug.
 */
import type { Command } from 'commander';
import { text } from 'node:stream/consumers';
import type { Inventory } from '../domain/inventory.js';
import { BadInputError } from '../domain/errors.js';
import { inventory, type InventoryOptions } from '../scan/inventory-target.js';
import { createProgressDisplay } from './progress-display.js';

export interface TargetOptions {
  platform?: string;
  insecure?: boolean;
  username?: string;
  passwordStdin?: boolean;
  catalogers?: string[];
  dockerHost?: string;
}

export const TARGET_HELP = `
Targets:
  docker-archive:PATH    a "docker save" tarball
  oci-archive:PATH       a tar of an OCI image layout
  oci:DIR[:REF]          an OCI image layout directory
  docker:NAME            an image in the local Docker Engine (DOCKER_HOST or /var/run/docker.sock)
  registry:REF           an image in a registry (also a bare reference: debian:12, 127.0.0.1:5000/app:1.0)
  dir:PATH               a root filesystem directory (dir:/ inventories this host)
  sbom:FILE              a CycloneDX or SPDX JSON SBOM
A bare existing path is recognized by its content.`;

export function addTargetOptions(command: Command): Command {
  return command
    .option('--platform <os/arch[/variant]>', 'platform to pick from a multi-platform image (default: this host)')
    .option('--insecure', 'allow plain-HTTP registries')
    .option('--username <name>', 'registry user name (password from --password-stdin)')
    .option('--password-stdin', 'read the registry password from standard input')
    .option('--docker-host <address>', 'Docker Engine for docker: targets (default: DOCKER_HOST or unix:///var/run/docker.sock)')
    .option('--catalogers <names...>', 'catalogers to run: names or prefixes, -name to exclude (see "bulkhead catalogers")')
    .addHelpText('after', TARGET_HELP);
}

export async function inventoryFromCli(target: string, options: TargetOptions, debug: boolean): Promise<Inventory> {
  const inventoryOptions = await scanOptionsFromCli(options, debug);
  try {
    return await inventory(target, inventoryOptions);
  } finally {
    inventoryOptions.finish();
  }
}

/**
 * The inventory options behind the target flags, with progress drawing and
 * --debug stage timings; `finish()` stops the progress display and prints
 * the timings (the scan command calls it through onStage's last 'match' stage).
 */
export async function scanOptionsFromCli(options: TargetOptions, debug: boolean): Promise<InventoryOptions & { finish(): void }> {
  let password: string | undefined;
  if (options.passwordStdin) {
    if (process.stdin.isTTY) throw new BadInputError('--password-stdin expects the password on standard input');
    password = (await text(process.stdin)).replace(/\r?\n$/, '');
  }
  const progress = createProgressDisplay();
  const timings: string[] = [];
  let finished = false;
  const finish = (): void => {
    if (finished) return;
    finished = true;
    progress.done();
    if (debug && timings.length > 0) process.stderr.write(`timings: ${timings.join(', ')}\n`);
  };
  return {
    platform: options.platform,
    insecure: options.insecure,
    username: options.username,
    password,
    catalogers: options.catalogers,
    dockerHost: options.dockerHost,
    onProgress: progress.onProgress,
    onStage: (stage, ms) => {
      timings.push(`${stage} ${ms.toFixed(0)} ms`);
      // Matching is the last stage of a scan; the inventory's last is 'catalog' or 'read-sbom'.
      if (stage === 'match') finish();
    },
    finish,
  };
}
