/** Compiles an inline policy for tests. */
import { compilePolicy } from '../compile-policy.js';
import type { PolicySet } from '../policy-set.js';

export function policyOf(rulesYaml: string, extra = ''): PolicySet {
  return compilePolicy([{ file: 'test.yaml', text: `version: 1\nname: test\nrules:\n${rulesYaml}\n${extra}` }]);
}
