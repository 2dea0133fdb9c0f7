import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { compilePolicy } from '../../policy/compile-policy.js';
import type { ExceptionSpec } from '../../policy/policy-schema.js';
import { effectivePolicyText } from './effective-policy.js';

const POLICY = `# our production policy
version: 2
name: acme
rules:
  - id: kev
    description: known exploited
    effect: block
    vulnerabilities: {kev: true}
  - id: root
    description: no root
    effect: alert
    config: {notRoot: true}
exceptions:
  - id: legacy
    owner: ops
    reason: old app
    expires: 2999-01-01
    rules: [root]
    images: ['legacy/*']
`;

const base = compilePolicy([{ file: 'acme.yaml', text: POLICY }]);
const spec = (over: Partial<ExceptionSpec>): ExceptionSpec => ({ id: 'x', owner: 'sec', reason: 'r', expires: '2999-01-01', rules: ['kev'], images: ['**'], ...over }) as ExceptionSpec;

describe('effectivePolicyText', () => {
  it('is the version text byte for byte when nothing is stored', () => {
    expect(effectivePolicyText(POLICY, base, [])).toEqual({ text: POLICY, applied: [], skipped: [] });
  });

  it("appends stored exceptions after the file's own, keeping its comments, and the result compiles", () => {
    const merged = effectivePolicyText(POLICY, base, [spec({ id: 'pay-kev', images: ['pay/*'] }), spec({ id: 'adv', rules: undefined, advisories: ['CVE-2024-1'] })]);
    expect(merged.applied).toEqual(['pay-kev', 'adv']);
    expect(merged.text.startsWith('# our production policy\n')).toBe(true);
    const doc = parse(merged.text) as { exceptions: { id: string }[] };
    expect(doc.exceptions.map((e) => e.id)).toEqual(['legacy', 'pay-kev', 'adv']);
    const compiled = compilePolicy([{ file: 'acme.yaml', text: merged.text }]);
    expect(compiled.exceptions.map((e) => e.id)).toEqual(['adv', 'legacy', 'pay-kev']);
    expect(compiled.rules).toHaveLength(2);
  });

  it("leaves out what would clash with the file's exceptions or could cover nothing, and narrows rules to known ones", () => {
    const merged = effectivePolicyText(POLICY, base, [
      spec({ id: 'legacy' }),
      spec({ id: 'gone', rules: ['removed-rule'] }),
      spec({ id: 'partly', rules: ['removed-rule', 'root'] }),
    ]);
    expect(merged.skipped.map((s) => s.id)).toEqual(['legacy', 'gone']);
    expect(merged.applied).toEqual(['partly']);
    const doc = parse(merged.text) as { exceptions: { id: string; rules?: string[] }[] };
    expect(doc.exceptions.find((e) => e.id === 'partly')?.rules).toEqual(['root']);
    expect(() => compilePolicy([{ file: 'acme.yaml', text: merged.text }])).not.toThrow();
  });

  it('adds an exceptions list to a policy without one', () => {
    const noExceptions = POLICY.slice(0, POLICY.indexOf('exceptions:'));
    const b = compilePolicy([{ file: 'acme.yaml', text: noExceptions }]);
    const merged = effectivePolicyText(noExceptions, b, [spec({ id: 'only' })]);
    expect(compilePolicy([{ file: 'acme.yaml', text: merged.text }]).exceptions.map((e) => e.id)).toEqual(['only']);
  });
});
