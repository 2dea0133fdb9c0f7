/** `docker image inspect`, validated and reduced to the fields the tests compare against. */
import { z } from 'zod';
import type { DockerDaemon } from './docker-daemon.js';
import type { InspectFacts } from './integration-facts.js';

const inspectSchema = z.object({
  Id: z.string(),
  RepoTags: z.array(z.string()).nullish(),
  RepoDigests: z.array(z.string()).nullish(),
  Os: z.string(),
  Architecture: z.string(),
  Created: z.string(),
  Config: z.object({
    User: z.string().nullish(),
    Env: z.array(z.string()).nullish(),
    Labels: z.record(z.string(), z.string()).nullish(),
    WorkingDir: z.string().nullish(),
    Cmd: z.array(z.string()).nullish(),
    Entrypoint: z.array(z.string()).nullish(),
  }),
  RootFS: z.object({ Layers: z.array(z.string()) }),
});

export async function dockerInspect(daemon: DockerDaemon, reference: string): Promise<InspectFacts> {
  const output = (await daemon.docker(['image', 'inspect', reference])).stdout;
  const image = z.array(inspectSchema).length(1).parse(JSON.parse(output))[0]!;
  return {
    id: image.Id,
    repoTags: image.RepoTags ?? [],
    repoDigests: image.RepoDigests ?? [],
    user: image.Config.User ?? '',
    env: image.Config.Env ?? [],
    labels: image.Config.Labels ?? {},
    workingDir: image.Config.WorkingDir ?? '',
    cmd: image.Config.Cmd ?? [],
    entrypoint: image.Config.Entrypoint ?? [],
    os: image.Os,
    architecture: image.Architecture,
    created: image.Created,
    layers: image.RootFS.Layers,
  };
}
