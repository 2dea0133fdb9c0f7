/**
 * Lists every layer of a `docker save` archive with tar itself, base first:
 * the independent answer to "which layer wrote this file" and "which
 * whiteouts does this image carry".
 */
import path from 'node:path';
import { z } from 'zod';
import type { LayerListing } from './integration-facts.js';
import { runCommand, runPipeline } from './run-command.js';

const saveManifestSchema = z.array(z.object({ Config: z.string(), Layers: z.array(z.string()) })).length(1);
const saveConfigSchema = z.object({ rootfs: z.object({ diff_ids: z.array(z.string()) }) });

export async function listDockerArchiveLayers(archive: string): Promise<LayerListing[]> {
  const extract = async (member: string): Promise<string> => (await runCommand('tar', ['-xOf', archive, member])).stdout;
  const manifest = saveManifestSchema.parse(JSON.parse(await extract('manifest.json')))[0]!;
  const diffIds = saveConfigSchema.parse(JSON.parse(await extract(manifest.Config))).rootfs.diff_ids;
  if (diffIds.length !== manifest.Layers.length) {
    throw new Error(`${archive}: ${manifest.Layers.length} layers but ${diffIds.length} diff_ids`);
  }
  const layers: LayerListing[] = [];
  for (const [index, member] of manifest.Layers.entries()) {
    const listing = await runPipeline('tar -xOf "$1" "$2" | tar -t', [archive, member], { timeoutMs: 5 * 60_000 });
    const entries = listing.stdout
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => line.replace(/^\.\//, ''))
      // The root directory itself ('./') names no path.
      .filter((entry) => entry !== '');
    layers.push({
      diffId: diffIds[index]!,
      entries,
      whiteouts: entries.filter((entry) => path.posix.basename(entry).startsWith('.wh.')),
    });
  }
  return layers;
}
