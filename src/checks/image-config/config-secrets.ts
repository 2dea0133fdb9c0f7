/** No secrets in env, labels or history (CIS 4.10), delegated to the secret rules. */
import { z } from 'zod';
import { scanImageConfigForSecrets } from '../secrets/scan-image-config.js';
import { BUILTIN_SECRET_RULES } from '../secrets/builtin-rules.js';
import { compileSecretAllowList, secretAllowListSchema } from '../secrets/secret-allow-list.js';
import type { ImageConfigCheck } from './image-config-check.js';

const secretsParams = z.object({ allow: secretAllowListSchema.optional() }).strict();

export const noConfigSecrets = {
  id: 'image-no-secrets',
  title: 'Secret in the image configuration or build history',
  cis: '4.10',
  severity: 'high',
  remediation: 'Pass secrets at run time or with BuildKit secret mounts (RUN --mount=type=secret), never through ENV, ARG or LABEL.',
  params: secretsParams,
  /** Delegates to the secret rules; findings stay kind 'secret' and gain the CIS alias. */
  run({ image }, params) {
    return scanImageConfigForSecrets(image, BUILTIN_SECRET_RULES, compileSecretAllowList(params.allow)).map((f) => ({ ...f, aliases: [...f.aliases, 'CIS-Docker-4.10'] }));
  },
} satisfies ImageConfigCheck<typeof secretsParams>;
