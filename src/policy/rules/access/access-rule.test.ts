import { describe, expect, it } from 'vitest';
import { evaluate, evaluateTraced } from '../../evaluate.js';
import { PolicyLoadError } from '../../policy-load-error.js';
import { subject } from '../../testdata/subjects.js';
import { policyOf } from '../../testdata/policy-text.js';

const NOW = new Date('2026-06-01T12:00:00Z');

describe('access rules', () => {
  const execProd = policyOf(
    "  - id: exec-prod\n    description: d\n    effect: block\n    access:\n      actions: ['exec.*']\n      allowGroups: [ops]\n      allowUsers: [alice]\n      targetLabels: {env: 'prod*'}\n",
  );
  const access = (over: Record<string, unknown>) => subject({ access: { action: 'exec.create', groups: [], targetLabels: { env: 'production' }, ...over } });

  it('lets the named users and groups act and refuses everyone else, naming who may', () => {
    expect(evaluate(execProd, access({ user: 'bob', groups: ['ops'] }), NOW).verdict).toBe('allow');
    expect(evaluate(execProd, access({ user: 'alice' }), NOW).verdict).toBe('allow');
    const d = evaluate(execProd, access({ user: 'mallory', groups: ['dev'] }), NOW);
    expect(d.verdict).toBe('block');
    expect(d.violations[0]?.message).toBe('mallory may not perform exec.create: only user alice, group ops may');
    expect(d.violations[0]?.evidence).toEqual({ field: 'access.action', value: 'exec.create' });
  });

  it('governs only the listed actions and targets with matching labels', () => {
    expect(evaluate(execProd, access({ user: 'mallory', action: 'container.start' }), NOW).verdict).toBe('allow');
    expect(evaluate(execProd, access({ user: 'mallory', targetLabels: { env: 'dev' } }), NOW).verdict).toBe('allow');
    expect(evaluate(execProd, access({ user: 'mallory', targetLabels: {} }), NOW).verdict).toBe('allow');
    expect(evaluate(execProd, access({ action: 'exec.start' }), NOW).violations[0]?.message).toMatch(/^an anonymous user may not perform exec.start/);
  });

  it('without allow lists nobody may; images and asRoot narrow the rule', () => {
    const p = policyOf("  - id: no-root-exec\n    description: d\n    effect: block\n    access:\n      actions: [exec.create]\n      images: ['docker.io/acme/**']\n      asRoot: true\n");
    const req = (over: Record<string, unknown>) => subject({ access: { action: 'exec.create', user: 'root-ish', groups: ['ops'], image: 'docker.io/acme/pay:1', ...over } });
    expect(evaluate(p, req({ execUser: '0' }), NOW).violations[0]?.message).toMatch(/nobody may$/);
    expect(evaluate(p, req({ execUser: '' , targetRunsAsRoot: true }), NOW).verdict).toBe('block');
    expect(evaluate(p, req({ execUser: '', targetRunsAsRoot: false }), NOW).verdict).toBe('allow');
    expect(evaluate(p, req({ execUser: 'app' }), NOW).verdict).toBe('allow');
    expect(evaluate(p, req({ execUser: 'root', image: 'docker.io/library/debian:12' }), NOW).verdict).toBe('allow');
  });

  it('unlessImages makes a registry allow-list for pulls', () => {
    const p = policyOf("  - id: pull-allow-list\n    description: d\n    effect: block\n    access:\n      actions: [image.pull]\n      unlessImages: ['ghcr.io/acme/**', 'docker.io/library/*']\n");
    const pull = (image: string) => evaluate(p, subject({ access: { action: 'image.pull', user: 'bob', groups: [], image } }), NOW).verdict;
    expect(pull('ghcr.io/acme/pay/api:1')).toBe('allow');
    expect(pull('docker.io/library/debian:12')).toBe('allow');
    expect(pull('docker.io/evil/miner:latest')).toBe('block');
    expect(pull('ghcr.io/other/x:1')).toBe('block');
  });

  it('does not apply without an API request (a CI scan)', () => {
    const traced = evaluateTraced(execProd, subject(), NOW);
    expect(traced.decision.verdict).toBe('allow');
    expect(traced.rules[0]?.status).toBe('not-applicable');
  });

  it('rejects bad parameters at load time with the line', () => {
    expect(() => policyOf("  - id: x\n    description: d\n    effect: block\n    access:\n      actions: []\n")).toThrow(PolicyLoadError);
    expect(() => policyOf("  - id: x\n    description: d\n    effect: block\n    access:\n      actions: ['[a']\n")).toThrow(/line \d+|:\d+:/);
    expect(() => policyOf("  - id: x\n    description: d\n    effect: block\n    access:\n      actions: [a]\n      allowUser: [bob]\n")).toThrow(PolicyLoadError);
  });
});
