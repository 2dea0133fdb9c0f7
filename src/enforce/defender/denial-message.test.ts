import { describe, expect, it } from 'vitest';
import { evaluate } from '../../policy/evaluate.js';
import { policyOf } from '../../policy/testdata/policy-text.js';
import { subject, vuln } from '../../policy/testdata/subjects.js';
import { denialMessage, violationReason } from './denial-message.js';

const NOW = new Date('2026-06-01T12:00:00Z');

describe('denial messages', () => {
  const policy = policyOf('  - id: vuln-critical\n    description: d\n    effect: block\n    vulnerabilities: {severity: critical}\n  - id: no-priv\n    description: d\n    effect: block\n    deploy: {denyPrivileged: true}\n');

  it('names the package, advisory, fixed version and the fix for an OS package', () => {
    const finding = vuln({ id: 'DSA-5678-1', aliases: ['CVE-2024-5535'], severity: 'critical', status: 'fixed', fixedVersions: ['3.0.13-1~deb12u1'] });
    const withPkg = { ...finding, package: { ...finding.package, name: 'libssl3', version: '3.0.11-1~deb12u1', ecosystem: 'deb' } } as typeof finding;
    const d = evaluate(policy, subject({ findings: [withPkg] }), NOW);
    expect(d.violations.map(violationReason)).toEqual(['[vuln-critical] libssl3 3.0.11-1~deb12u1 has DSA-5678-1 (CVE-2024-5535), fixed in 3.0.13-1~deb12u1: rebuild on an updated base image (or upgrade libssl3)']);
  });

  it('gives settings with their remedy, and says how many more there are', () => {
    const deploy = { privileged: true, capAdd: [], hostNetwork: false, hostPID: false, hostIPC: false, mounts: [], readOnlyRootfs: false, noNewPrivileges: false, resources: {} };
    const d = evaluate(policy, subject({ deploy }), NOW);
    const text = denialMessage({ action: 'container.create', image: 'docker.io/library/debian:12', policy: 'test 1', decisionId: 'abc' }, d.violations);
    expect(text).toBe('Bulkhead blocked container.create of docker.io/library/debian:12 under policy test 1: [no-priv] the container runs privileged: drop --privileged; add only the capabilities needed [decision abc]');
    const many = Array.from({ length: 7 }, () => d.violations[0]!);
    expect(denialMessage({ action: 'x', policy: 'p', decisionId: 'i' }, many)).toMatch(/under policy p \(and 2 more\): /);
  });
});
