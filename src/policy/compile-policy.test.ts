import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compilePolicy } from './compile-policy.js';
import { PolicyLoadError, formatProblem } from './policy-load-error.js';

function problems(text: string): string[] {
  try {
    compilePolicy([{ file: 'p.yaml', text }]);
  } catch (error) {
    expect(error).toBeInstanceOf(PolicyLoadError);
    return (error as PolicyLoadError).problems.map(formatProblem);
  }
  throw new Error('policy loaded but should not have');
}

const HEAD = 'version: 1\nname: t\nrules:\n';

describe('policy load errors carry file:line', () => {
  it('reports invalid YAML at its line', () => {
    const out = problems(`${HEAD}  - id: a\n    description: x\n    effect: [block\n`);
    expect(out[0]).toMatch(/^p\.yaml:\d+: invalid YAML/);
  });

  it('reports an unknown rule kind on the line of its key', () => {
    const out = problems(`${HEAD}  - id: a\n    description: x\n    effect: block\n    licences:\n      deny: [GPL-3.0-only]\n`);
    expect(out).toEqual([expect.stringMatching(/^p\.yaml:7: unknown key or rule kind "licences"/)]);
  });

  it('reports a wrong parameter type at the parameter', () => {
    const out = problems(`${HEAD}  - id: a\n    description: x\n    effect: block\n    vulnerabilities:\n      cvss: high\n`);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatch(/^p\.yaml:8: cvss: /);
  });

  it('reports an unknown key inside a rule kind', () => {
    const out = problems(`${HEAD}  - id: a\n    description: x\n    effect: block\n    vulnerabilities:\n      severity: high\n      fixable: true\n`);
    expect(out).toEqual(['p.yaml:9: unknown key "fixable"']);
  });

  it('reports an invalid effect', () => {
    expect(problems(`${HEAD}  - id: a\n    description: x\n    effect: deny\n    config: {notRoot: true}\n`)[0]).toMatch(/^p\.yaml:6: effect: /);
  });

  it('rejects CEL that does not type-check, with the expression line', () => {
    const out = problems(`${HEAD}  - id: a\n    description: x\n    effect: block\n    cel:\n      expression: image.user + 1 == 2\n`);
    expect(out).toEqual([expect.stringMatching(/^p\.yaml:8: cel\.expression: CEL: no such overload: string \+ int/)]);
  });

  it('rejects CEL over an unknown field and CEL that is not boolean', () => {
    expect(problems(`${HEAD}  - id: a\n    description: x\n    effect: block\n    cel:\n      expression: image.usr == "root"\n`)[0]).toMatch(/^p\.yaml:8: .*No such key: usr/);
    expect(problems(`${HEAD}  - id: a\n    description: x\n    effect: block\n    cel:\n      expression: size(packages)\n`)[0]).toMatch(/^p\.yaml:8: .*must return bool, returns int/);
  });

  it('rejects scopes that can never match', () => {
    expect(problems(`${HEAD}  - id: a\n    description: x\n    effect: block\n    scope:\n      environments: []\n    config: {notRoot: true}\n`)).toEqual([
      expect.stringMatching(/^p\.yaml:8: scope.environments: an empty environments list can never match/),
    ]);
    expect(problems(`${HEAD}  - id: a\n    description: x\n    effect: block\n    scope:\n      images: ['docker.io/[abc']\n    config: {notRoot: true}\n`)[0]).toMatch(/^p\.yaml:8: scope\.images\.0: unclosed "\["/);
  });

  it('rejects an exception without expiry', () => {
    const text = `${HEAD}  - id: a\n    description: x\n    effect: block\n    config: {notRoot: true}\nexceptions:\n  - id: e1\n    owner: alice\n    reason: legacy\n    rules: [a]\n    images: ['**']\n`;
    expect(problems(text)).toEqual([expect.stringMatching(/^p\.yaml:9: expires: exception needs an expiry date/)]);
  });

  it('rejects an exception that names a rule that does not exist', () => {
    const text = `${HEAD}  - id: a\n    description: x\n    effect: block\n    config: {notRoot: true}\nexceptions:\n  - id: e1\n    owner: alice\n    reason: legacy\n    expires: 2030-01-01\n    rules: [b]\n    images: ['**']\n`;
    expect(problems(text)).toEqual(['p.yaml:13: exception names unknown rule "b"']);
  });

  it('rejects a rule with no condition or two, invalid ranges and regexes', () => {
    expect(problems(`${HEAD}  - id: a\n    description: x\n    effect: block\n`)[0]).toMatch(/^p\.yaml:4: rule a has no condition/);
    expect(problems(`${HEAD}  - id: a\n    description: x\n    effect: block\n    config: {notRoot: true}\n    cel: {expression: 'true'}\n`)[0]).toMatch(/^p\.yaml:4: rule a has 2 conditions/);
    expect(problems(`${HEAD}  - id: a\n    description: x\n    effect: block\n    packages:\n      banned:\n        - name: openssl\n          ecosystem: deb\n          versions: '>>3'\n`)[0]).toMatch(/^p\.yaml:11: packages\.banned\.0\.versions: cannot read version constraint/);
    expect(problems(`${HEAD}  - id: a\n    description: x\n    effect: block\n    files:\n      path: /etc/x\n      forbid: ['(']\n`)[0]).toMatch(/^p\.yaml:9: files\.forbid\.0: invalid regular expression/);
  });

  it('rejects duplicate rule ids across files and empty policies', () => {
    const rule = `${HEAD}  - id: a\n    description: x\n    effect: block\n    config: {notRoot: true}\n`;
    expect(() => compilePolicy([{ file: 'a.yaml', text: rule }, { file: 'b.yaml', text: rule }])).toThrow(/b\.yaml:4: duplicate rule id a \(also at a\.yaml:4\)/);
    expect(() => compilePolicy([])).toThrow(PolicyLoadError);
    expect(problems('version: 1\nname: t\n')[0]).toBe('p.yaml:1: the policy file has no rules and no exceptions');
    expect(problems('- a\n- b\n')[0]).toMatch(/a mapping/);
  });

  it('collects every problem, sorted by line', () => {
    const out = problems(`${HEAD}  - id: a\n    description: x\n    effect: nope\n    config: {notRoot: true}\n  - id: b\n    description: x\n    effect: block\n    cel: {expression: '1'}\n`);
    expect(out.map((p) => p.split(':')[1])).toEqual(['6', '11']);
  });
});

describe('policy identity', () => {
  const text = `${HEAD}  - id: a\n    description: x\n    effect: block\n    config: {notRoot: true}\n`;
  it('hashes the content: same text same hash, any edit a new one', () => {
    const a = compilePolicy([{ file: 'x/p.yaml', text }]);
    const b = compilePolicy([{ file: 'y/p.yaml', text }]);
    const c = compilePolicy([{ file: 'x/p.yaml', text: text.replace('effect: block', 'effect: alert') }]);
    expect(a.hash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(b.hash).toBe(a.hash);
    expect(c.hash).not.toBe(a.hash);
    expect(a.version).toBe('1');
    expect(a.name).toBe('t');
  });

  it('loads the shipped default policy', () => {
    const file = fileURLToPath(new URL('../../policies/default.yaml', import.meta.url));
    const policy = compilePolicy([{ file, text: readFileSync(file, 'utf8') }]);
    expect(policy.rules.map((r) => r.id)).toContain('vuln-kev');
    expect(policy.rules.length).toBeGreaterThanOrEqual(8);
  });
});
