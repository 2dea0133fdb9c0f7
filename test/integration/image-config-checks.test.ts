/**
 * The CIS-numbered image checks against what Docker itself says about the
 * fixture images: `docker image inspect` (Config.User, Config.Healthcheck,
 * Config.Env), `docker history --no-trunc` (ADD of URLs) and find(1) over the
 * exported root filesystem (setuid/setgid files).
 */
import { expect, it } from 'vitest';
import { z } from 'zod';
import { inventoryWithChecks } from '../../src/checks/inventory-with-checks.js';
import { runImageConfigChecks } from '../../src/checks/image-config/run-image-config-checks.js';
import { describeWithServices } from './support/integration-facts.js';
import { runCommand } from './support/run-command.js';

const inspectSchema = z.array(
  z.object({
    Config: z.object({
      User: z.string().nullish(),
      Env: z.array(z.string()).nullish(),
      Healthcheck: z.object({ Test: z.array(z.string()).nullish() }).nullish(),
    }),
  }),
);

describeWithServices('image configuration checks agree with docker inspect', (facts) => {
  const env = { ...process.env, DOCKER_HOST: facts.dockerHost, DOCKER_CONFIG: facts.dockerClientConfig };
  const docker = async (args: string[]): Promise<string> => (await runCommand('docker', args, { env })).stdout;

  for (const image of Object.values(facts.images)) {
    it(`${image.name}: CIS 4.1, 4.6, 4.8, 4.9, 4.10`, async () => {
      const [inspected] = inspectSchema.parse(JSON.parse(await docker(['image', 'inspect', image.tag])));
      const history = (await docker(['history', '--no-trunc', '--format', '{{.CreatedBy}}', image.tag])).split('\n');
      const setuid = (await runCommand('find', ['.', '-xdev', '-type', 'f', '-perm', '/6000'], { cwd: image.paths.rootfsDir })).stdout
        .split('\n')
        .filter(Boolean)
        .map((p) => p.slice(1))
        .sort();

      const { inventory, tree, findings: secrets } = await inventoryWithChecks(image.targets['docker-archive'], { secrets: true });
      const findings = runImageConfigChecks(
        { image: inventory.image!, ...(tree ? { tree } : {}) },
        { 'image-user-not-root': {}, 'image-healthcheck': {}, 'image-no-add-remote': {}, 'image-setuid-files': {}, 'image-no-secrets': {} },
      );
      const has = (id: string): boolean => findings.some((f) => f.id === id);

      const user = (inspected?.Config.User ?? '').split(':')[0] ?? '';
      expect(has('image-user-not-root'), `Config.User=${JSON.stringify(inspected?.Config.User)}`).toBe(user === '' || user === 'root' || /^0+$/.test(user));
      const test = inspected?.Config.Healthcheck?.Test ?? [];
      expect(has('image-healthcheck'), `Config.Healthcheck=${JSON.stringify(test)}`).toBe(test.length === 0 || test[0] === 'NONE');
      expect(has('image-no-add-remote')).toBe(history.some((line) => /\bADD\b.*\b(?:https?|ftp):\/\//.test(line)));
      expect(findings.filter((f) => f.id === 'image-setuid-files').map((f) => f.location?.path ?? '').sort()).toEqual(setuid);
      // The fixtures carry no credentials: neither in env (docker inspect) nor in any layer's files.
      expect((inspected?.Config.Env ?? []).filter((e) => /PASSWORD|TOKEN|SECRET|_KEY=/.test(e))).toEqual([]);
      expect(findings.filter((f) => f.kind === 'secret')).toEqual([]);
      expect(secrets).toEqual([]);
    });
  }
});
