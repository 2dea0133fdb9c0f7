import { describe, expect, it } from 'vitest';
import { BadInputError } from '../domain/errors.js';
import type { HostCheckResult } from './host-check.js';
import { evaluateHostPolicy, parseHostPolicy } from './host-policy.js';

function result(id: string, status: HostCheckResult['status']): HostCheckResult {
  return { id, section: id.split('.')[0] as string, title: id, level: 1, scored: true, status, evidence: [], remediation: '' };
}

const RESULTS = [result('2.7', 'fail'), result('5.5', 'pass'), result('5.16', 'warn'), result('5.32', 'fail'), result('3.16', 'pass')];

describe('host hardening policy', () => {
  it('fails only the required checks that failed, expanding section wildcards', () => {
    const policy = parseHostPolicy('hostHardening:\n  environments:\n    prod:\n      require: ["2.7", "5.*"]\n', 'p.yaml');
    const outcome = evaluateHostPolicy(policy, undefined, RESULTS);
    expect(outcome.environment).toBe('prod');
    expect(outcome.required).toEqual(['2.7', '5.5', '5.16', '5.32']);
    expect(outcome.violations.map((v) => v.id)).toEqual(['2.7', '5.32']);
  });

  it('counts undecided (warn) required checks as failed when the environment says so', () => {
    const policy = parseHostPolicy('hostHardening:\n  environments:\n    prod: { require: ["5.16"], undecided: fail }\n    dev: { require: ["5.16"] }\n', 'p.yaml');
    expect(evaluateHostPolicy(policy, 'prod', RESULTS).violations.map((v) => v.id)).toEqual(['5.16']);
    expect(evaluateHostPolicy(policy, 'dev', RESULTS).violations).toEqual([]);
    expect(() => evaluateHostPolicy(policy, undefined, RESULTS)).toThrow(/choose one with --env/);
    expect(() => evaluateHostPolicy(policy, 'qa', RESULTS)).toThrow(/environment qa is not in the policy/);
  });

  it.each([
    ['no section', 'rules: []\n', /no hostHardening section/],
    ['unknown id', 'hostHardening:\n  environments:\n    prod: { require: ["9.9"] }\n', /unknown CIS check 9\.9/],
    ['misspelt key', 'hostHardening:\n  environments:\n    prod: { requires: ["5.5"] }\n', /hostHardening\.environments\.prod/],
    ['empty list', 'hostHardening:\n  environments:\n    prod: { require: [] }\n', /at least one check id/],
    ['bad YAML', 'hostHardening: [\n', /invalid YAML/],
    ['unknown default', 'hostHardening:\n  defaultEnvironment: qa\n  environments:\n    prod: { require: ["5.5"] }\n', /defaultEnvironment qa/],
  ])('rejects %s with a clear message', (_, text, message) => {
    expect(() => parseHostPolicy(text, 'p.yaml')).toThrow(BadInputError);
    expect(() => parseHostPolicy(text, 'p.yaml')).toThrow(message);
  });
});
