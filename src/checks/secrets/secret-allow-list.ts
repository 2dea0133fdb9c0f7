/**
 * What the secret scanner ignores: paths where keys are expected to be
 * examples (documentation, test fixtures), values that are placeholders, and
 * rules switched off — the built-in list plus the user's additions.
 */
import { z } from 'zod';
import { BadInputError } from '../../domain/errors.js';
import { pathGlobs } from '../path-glob.js';

export const DEFAULT_ALLOWED_PATHS: readonly string[] = [
  '/usr/share/doc/**',
  '/usr/share/common-licenses/**',
  // Language test suites ship throw-away keys (CPython's test/certdata, Go's testdata, npm packages' fixtures).
  '**/test/**',
  '**/tests/**',
  '**/testdata/**',
  '**/__tests__/**',
  '**/fixtures/**',
  '**/test_*.py',
  '**/*_test.go',
  '**/*.test.js',
  '**/*.spec.js',
];

/** Placeholder and example values, whatever the rule. */
export const DEFAULT_ALLOWED_VALUES: readonly RegExp[] = [
  /EXAMPLE/i,
  /placeholder/i,
  /dummy/i,
  /redacted/i,
  /changeme/i,
  /your[_-]?(?:api[_-]?)?(?:key|token|secret|password|pass)/i,
  /^(?:x+|\*+|0+|\.+)$/i,
  /^(?:password|passwd|secret|token|pass)$/i,
];

export const secretAllowListSchema = z
  .object({
    /** Path globs ('**' crosses directories). */
    paths: z.array(z.string().min(1)).default([]),
    /** Regular expressions tested against the secret value. */
    values: z.array(z.string().min(1)).default([]),
    /** Rule ids switched off. */
    rules: z.array(z.string().min(1)).default([]),
    /** Keep DEFAULT_ALLOWED_PATHS / DEFAULT_ALLOWED_VALUES (default true). */
    defaults: z.boolean().default(true),
  })
  .strict();

export type SecretAllowListInput = z.input<typeof secretAllowListSchema>;

export interface SecretAllowList {
  path(path: string): boolean;
  value(value: string): boolean;
  rule(id: string): boolean;
}

export function compileSecretAllowList(input: SecretAllowListInput = {}): SecretAllowList {
  const parsed = secretAllowListSchema.safeParse(input);
  if (!parsed.success) throw new BadInputError(`invalid secret allow-list: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const list = parsed.data;
  const paths = pathGlobs([...(list.defaults ? DEFAULT_ALLOWED_PATHS : []), ...list.paths]);
  const values = [
    ...(list.defaults ? DEFAULT_ALLOWED_VALUES : []),
    ...list.values.map((v) => {
      try {
        return new RegExp(v);
      } catch (error) {
        throw new BadInputError(`invalid secret allow-list value pattern ${JSON.stringify(v)}: ${(error as Error).message}`, { cause: error });
      }
    }),
  ];
  const rules = new Set(list.rules);
  return {
    path: (p) => paths.test(p),
    value: (v) => values.some((re) => re.test(v)),
    rule: (id) => rules.has(id),
  };
}
