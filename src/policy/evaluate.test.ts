import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluate, evaluateTraced } from './evaluate.js';
import { imageMeta, pkg, subject, vuln } from './testdata/subjects.js';
import { policyOf } from './testdata/policy-text.js';

const NOW = new Date('2026-06-01T12:00:00Z');

describe('vulnerabilities rules', () => {
  const findings = [
    vuln({ id: 'CVE-2014-0160', severity: 'high', kev: { dateAdded: '2022-05-04' }, status: 'fixed', fixedVersions: ['1.0.1e-2+deb7u5'], published: '2014-04-07T00:00:00Z' }),
    vuln({ id: 'DSA-0001', aliases: ['CVE-2099-0001'], severity: 'critical', ratings: [{ source: 'nvd', type: 'CVSS_V3', score: 9.8, level: 'critical' }], status: 'unfixed' }),
    vuln({ id: 'CVE-2026-1111', severity: 'medium', epss: { score: 0.61, percentile: 0.99 }, status: 'fixed', fixedVersions: ['2'], fixAvailableSince: '2026-05-20T00:00:00Z' }),
    vuln({ id: 'CVE-2026-2222', severity: 'critical', status: 'fixed', fixedVersions: ['3'], suppressed: { by: 'vex', status: 'not_affected' } }),
  ];
  const ids = (rule: string): string[] => evaluate(policyOf(`  - id: r\n    description: d\n    effect: block\n    vulnerabilities:\n${rule}`), subject({ findings }), NOW).violations.map((v) => v.evidence.advisory?.id ?? '');

  it('filters by KEV, severity, CVSS, EPSS and advisory id (aliases too)', () => {
    expect(ids('      kev: true\n')).toEqual(['CVE-2014-0160']);
    expect(ids('      severity: high\n')).toEqual(['CVE-2014-0160', 'DSA-0001']);
    expect(ids('      cvss: 9.0\n')).toEqual(['DSA-0001']);
    expect(ids('      epss: 0.5\n')).toEqual(['CVE-2026-1111']);
    expect(ids('      ids: [cve-2099-0001]\n')).toEqual(['DSA-0001']);
  });

  it('skips VEX-suppressed findings and honours fixableOnly', () => {
    expect(ids('      severity: critical\n')).toEqual(['DSA-0001']);
    expect(ids('      severity: critical\n      fixableOnly: true\n')).toEqual([]);
    expect(ids('      severity: low\n      fixableOnly: true\n')).toEqual(['CVE-2014-0160', 'CVE-2026-1111']);
  });

  it('counts the fix grace period from fixAvailableSince, else published', () => {
    // CVE-2026-1111's fix is 12 days old at NOW; Heartbleed's dates from 2014.
    expect(ids('      fixAvailableForDays: 30\n')).toEqual(['CVE-2014-0160']);
    expect(ids('      fixAvailableForDays: 11\n')).toEqual(['CVE-2014-0160', 'CVE-2026-1111']);
    expect(ids('      fixAvailableForDays: 12\n')).toEqual(['CVE-2014-0160']);
  });

  it('gives the package, layer and fixed version as evidence and remedy', () => {
    const d = evaluate(policyOf('  - id: r\n    description: d\n    effect: block\n    vulnerabilities: {kev: true}\n'), subject({ findings }), NOW);
    expect(d.verdict).toBe('block');
    expect(d.violations[0]).toMatchObject({
      ruleId: 'r',
      severity: 'high',
      evidence: { package: { name: 'openssl', version: '1.0.1e-2' }, layer: 'sha256:' + 'b'.repeat(64) },
      remediation: 'upgrade openssl to 1.0.1e-2+deb7u5 or later',
    });
    expect(d.violations[0]?.message).toContain('in CISA KEV');
  });
});

describe('packages rules', () => {
  const packages = [
    pkg({ name: 'libssl3', version: '3.0.11-1~deb12u2', source: { name: 'openssl', version: '3.0.11-1~deb12u2' } }),
    pkg({ name: 'openssl', version: '3.0.15-1~deb12u1' }),
    pkg({ name: 'weird', version: '1:2.0' }),
    pkg({ name: 'django', version: '2.0.0rc1', ecosystem: 'pypi', licenses: ['BSD-3-Clause'] }),
    pkg({ name: 'left-pad', version: '1.3.0', ecosystem: 'npm', licenses: ['MIT OR GPL-3.0-only'] }),
    pkg({ name: 'gpl-thing', version: '1.0.0', ecosystem: 'npm', licenses: ['MIT AND GPL-3.0-only'] }),
    pkg({ name: 'nolicense', version: '1.0.0', ecosystem: 'npm' }),
  ];
  const names = (rule: string): string[] =>
    evaluate(policyOf(`  - id: r\n    description: d\n    effect: block\n    packages:\n${rule}`), subject({ packages }), NOW).violations.map((v) => v.evidence.package?.name ?? '');

  it('bans version ranges in the package scheme, by name or source package', () => {
    // dpkg --compare-versions: 3.0.11-1~deb12u2 lt 3.0.13; 3.0.15-1~deb12u1 not lt 3.0.13
    expect(names("      banned:\n        - name: openssl\n          versions: '<3.0.13'\n")).toEqual(['libssl3']);
    // dpkg --compare-versions 1:2.0 gt 3.0.13 (the epoch wins)
    expect(names("      banned:\n        - name: weird\n          versions: '<3.0.13'\n")).toEqual([]);
    expect(names("      banned:\n        - name: weird\n          versions: '>=3.0.13, !=9'\n")).toEqual(['weird']);
    // PEP 440: 2.0.0rc1 < 2.0.0 (packaging.version)
    expect(names("      banned:\n        - name: django\n          ecosystem: pypi\n          versions: '<1.0 || >=2.0.0rc1 <2.0.0'\n")).toEqual(['django']);
    expect(names('      banned:\n        - name: left-*\n')).toEqual(['left-pad']);
  });

  it('requires minimum versions', () => {
    expect(names('      required:\n        - name: openssl\n          minVersion: 3.0.13\n')).toEqual(['libssl3']);
  });

  it('applies license allow and deny lists to SPDX expressions', () => {
    expect(names('      licenses:\n        allow: [MIT, BSD-3-Clause]\n')).toEqual(['gpl-thing']);
    expect(names('      licenses:\n        deny: [GPL-*]\n')).toEqual(['gpl-thing']);
    expect(names("      licenses:\n        allow: [MIT]\n        undeclared: violate\n        ecosystems: [npm]\n")).toEqual(['gpl-thing', 'nolicense']);
  });

  it('allows base images by name glob or digest from the OCI base labels', () => {
    const rule = "  - id: r\n    description: d\n    effect: block\n    packages:\n      baseImages:\n        allowed: ['docker.io/library/debian:12*', 'sha256:" + 'e'.repeat(64) + "']\n";
    const withLabels = (labels: Record<string, string>) => subject({ image: { tags: [], metadata: imageMeta({ labels }) } });
    const verdict = (labels: Record<string, string>) => evaluate(policyOf(rule), withLabels(labels), NOW).verdict;
    expect(verdict({ 'org.opencontainers.image.base.name': 'debian:12-slim' })).toBe('allow');
    expect(verdict({ 'org.opencontainers.image.base.name': 'alpine:3.19' })).toBe('block');
    expect(verdict({ 'org.opencontainers.image.base.digest': 'sha256:' + 'e'.repeat(64) })).toBe('allow');
    expect(verdict({})).toBe('block');
  });
});

describe('config rules', () => {
  const run = (rule: string, s = subject()) => evaluate(policyOf(`  - id: r\n    description: d\n    effect: alert\n    config:\n${rule}`), s, NOW);

  it('checks the image configuration directly', () => {
    expect(run('      notRoot: true\n').violations[0]).toMatchObject({ evidence: { field: 'config.user' }, remediation: expect.stringContaining('USER') });
    expect(run('      notRoot: true\n', subject({ image: { tags: [], metadata: imageMeta({ user: '1000:1000' }) } })).verdict).toBe('allow');
    expect(run('      notRoot: true\n', subject({ image: { tags: [], metadata: imageMeta({ user: '0:0' }) } })).verdict).toBe('warn');
    expect(run('      healthcheck: true\n').verdict).toBe('warn');
    expect(run('      healthcheck: true\n', subject({ image: { tags: [], metadata: imageMeta({ healthcheck: { test: ['CMD', 'true'] } }) } })).verdict).toBe('allow');
    expect(run('      healthcheck: true\n', subject({ image: { tags: [], metadata: imageMeta({ healthcheck: { test: ['NONE'] } }) } })).verdict).toBe('warn');
    expect(run('      requiredLabels: [org.opencontainers.image.source]\n').violations[0]?.evidence.field).toBe('config.labels.org.opencontainers.image.source');
    expect(run('      maxAgeDays: 100\n').verdict).toBe('warn'); // created 2026-01-01, 151 days before NOW
    expect(run('      maxAgeDays: 200\n').verdict).toBe('allow');
    expect(run("      trustedRegistries: ['ghcr.io']\n").verdict).toBe('warn');
    expect(run("      trustedRegistries: ['docker.io/library/**']\n").verdict).toBe('allow');
    expect(run('      digestPinned: true\n').verdict).toBe('warn');
  });

  it('flags the latest tag, including an implicit one', () => {
    const latest = subject({ image: { reference: 'docker.io/library/debian:latest', tags: [], metadata: imageMeta() } });
    expect(run('      noLatestTag: true\n', latest).verdict).toBe('warn');
    expect(run('      noLatestTag: true\n').verdict).toBe('allow');
  });

  it('finds ADD of remote URLs in the history', () => {
    const meta = imageMeta({}, { history: [{ createdBy: 'ADD https://example.com/x.tgz /opt/ # buildkit', emptyLayer: false }] });
    expect(run('      noRemoteAdd: true\n', subject({ image: { tags: [], metadata: meta } })).violations[0]?.evidence.field).toBe('history[0]');
    expect(run('      noRemoteAdd: true\n').verdict).toBe('allow');
  });

  it('consumes config and secret findings by check id', () => {
    const secret = vuln({ id: 'aws-access-key', kind: 'secret', severity: 'critical', package: undefined });
    const cis = vuln({ id: 'cis-4.1', kind: 'config', severity: 'medium', package: undefined });
    const s = subject({ findings: [secret, cis] });
    expect(run("      checks: ['cis-4.*']\n", s).violations.map((v) => v.evidence.finding?.id)).toEqual(['cis-4.1']);
    expect(run('      secrets: true\n', s).violations.map((v) => v.evidence.finding?.id)).toEqual(['aws-access-key']);
  });

  it('does not apply image conditions without an image, and says why', () => {
    const t = evaluateTraced(policyOf('  - id: r\n    description: d\n    effect: block\n    config: {notRoot: true}\n'), { packages: [], findings: [] }, NOW);
    expect(t.decision.verdict).toBe('allow');
    expect(t.rules[0]).toMatchObject({ status: 'not-applicable', reason: expect.stringContaining('no image configuration') });
  });
});

describe('files rules', () => {
  const sshd = (text: string) => subject({ files: { '/etc/ssh/sshd_config': { content: text, layer: 'sha256:' + 'd'.repeat(64) } } });
  const rule = (body: string) => policyOf(`  - id: r\n    description: d\n    effect: block\n    files:\n      path: /etc/ssh/sshd_config\n${body}`);

  it('checks required and forbidden patterns, with line numbers', () => {
    const p = rule("      require: ['^\\s*PermitRootLogin\\s+no\\b']\n      forbid: ['^\\s*PermitRootLogin\\s+yes']\n");
    expect(evaluate(p, sshd('Port 22\nPermitRootLogin no\n'), NOW).verdict).toBe('allow');
    const d = evaluate(p, sshd('Port 22\n# comment\nPermitRootLogin yes\n'), NOW);
    expect(d.violations.map((v) => v.evidence.line ?? null)).toEqual([null, 3]);
    expect(d.violations[1]?.evidence.layer).toBe('sha256:' + 'd'.repeat(64));
  });

  it('evaluates CEL over parsed key-value content', () => {
    const p = rule('      format: keyvalue\n      cel: \'content["PermitRootLogin"] == "no"\'\n');
    expect(evaluate(p, sshd('PermitRootLogin no\nPermitRootLogin yes\n'), NOW).verdict).toBe('allow');
    expect(evaluate(p, sshd('PermitRootLogin yes\n'), NOW).verdict).toBe('block');
    // A missing key is an evaluation error: a violation, never a silent pass.
    expect(evaluate(p, sshd('Port 22\n'), NOW).verdict).toBe('block');
  });

  it('evaluates CEL over JSON, YAML and INI', () => {
    const files = {
      '/app/config.json': { content: '{"debug": false, "port": 8080}' },
      '/app/settings.yaml': { content: 'debug: true\n' },
      '/etc/php.ini': { content: '[PHP]\nexpose_php = Off\n' },
    };
    const s = subject({ files });
    const verdict = (path: string, format: string, cel: string) =>
      evaluate(policyOf(`  - id: r\n    description: d\n    effect: block\n    files:\n      path: ${path}\n      format: ${format}\n      cel: '${cel}'\n`), s, NOW).verdict;
    expect(verdict('/app/*.json', 'json', 'content.debug == false && content.port == 8080')).toBe('allow');
    expect(verdict('/app/*.yaml', 'yaml', 'content.debug == false')).toBe('block');
    expect(verdict('/etc/php.ini', 'ini', 'content["PHP"]["expose_php"] == "Off"')).toBe('allow');
    expect(verdict('/app/*.json', 'yaml', 'content.debug == false')).toBe('allow');
  });

  it('does not apply when no file matches, unless missing: violate', () => {
    const t = evaluateTraced(rule("      forbid: ['x']\n"), subject(), NOW);
    expect(t.rules[0]).toMatchObject({ status: 'not-applicable' });
    expect(evaluate(rule("      forbid: ['x']\n      missing: violate\n"), subject(), NOW).verdict).toBe('block');
  });
});

describe('deploy rules', () => {
  const p = policyOf(
    "  - id: r\n    description: d\n    effect: block\n    deploy:\n      denyPrivileged: true\n      deniedMounts: [/var/run/docker.sock]\n      allowedCapabilities: [NET_BIND_SERVICE]\n      denyHostNamespaces: true\n      requireReadOnlyRootfs: true\n      requireNoNewPrivileges: true\n      denyUnconfined: true\n      requireLimits: [memory, pids]\n      denyRootUser: true\n",
  );
  const safe = {
    privileged: false,
    capAdd: ['NET_BIND_SERVICE'],
    hostNetwork: false,
    hostPID: false,
    hostIPC: false,
    mounts: [{ source: 'data', target: '/data', type: 'volume', readOnly: false }],
    readOnlyRootfs: true,
    noNewPrivileges: true,
    resources: { memory: 512 * 1024 * 1024, pids: 100 },
    user: '1000',
  };

  it('passes a locked-down run request and flags each unsafe setting', () => {
    expect(evaluate(p, subject({ deploy: safe }), NOW).verdict).toBe('allow');
    const bad = {
      ...safe,
      privileged: true,
      capAdd: ['CAP_SYS_ADMIN'],
      hostPID: true,
      mounts: [{ source: '/var/run/docker.sock/', target: '/var/run/docker.sock', type: 'bind', readOnly: true }],
      readOnlyRootfs: false,
      seccompProfile: 'unconfined',
      resources: {},
      user: 'root',
    };
    const fields = evaluate(p, subject({ deploy: bad }), NOW).violations.map((v) => v.evidence.field);
    expect(fields.sort()).toEqual(
      ['deploy.capAdd', 'deploy.hostPID', 'deploy.mounts', 'deploy.privileged', 'deploy.readOnlyRootfs', 'deploy.resources.memory', 'deploy.resources.pids', 'deploy.seccompProfile', 'deploy.user'].sort(),
    );
  });

  it('falls back to the image USER and does not apply without a run request', () => {
    const { user: _user, ...noUser } = safe;
    expect(evaluate(p, subject({ deploy: noUser }), NOW).violations.map((v) => v.evidence.field)).toEqual(['config.user']);
    const t = evaluateTraced(p, subject(), NOW);
    expect(t.rules[0]).toMatchObject({ status: 'not-applicable', reason: expect.stringContaining('no run request') });
  });
});

describe('CEL rules', () => {
  const rule = (expression: string) => policyOf(`  - id: r\n    description: d\n    effect: block\n    cel:\n      expression: '${expression}'\n      message: custom\n`);

  it('fires when the expression is false', () => {
    const s = subject({ packages: [pkg({ name: 'openssl', version: '3.0.11-1~deb12u2' })], environment: 'prod' });
    expect(evaluate(rule('!packages.exists(p, p.name == "openssl")'), s, NOW).violations.map((v) => v.message)).toEqual(['custom']);
    expect(evaluate(rule('environment != "prod" || !image.runsAsRoot'), s, NOW).verdict).toBe('block');
    expect(evaluate(rule('environment == "prod"'), s, NOW).verdict).toBe('allow');
    // dpkg --compare-versions 3.0.11-1~deb12u2 lt 3.0.13
    expect(evaluate(rule('packages.all(p, p.name != "openssl" || versionCompare(p.ecosystem, p.version, "3.0.13") >= 0)'), s, NOW).verdict).toBe('block');
    expect(evaluate(rule('image.ageDays < 365 && deploy.present == false'), s, NOW).verdict).toBe('allow');
  });

  it('answers again from the same lists under another run request, and afresh for other lists', () => {
    const packages = [pkg({ name: 'openssl', version: '3.0.11-1~deb12u2' })];
    const pinned = rule('packages.all(p, p.name != "openssl" || versionCompare(p.ecosystem, p.version, "3.0.13") >= 0)');
    const deployRule = rule('!deploy.privileged');
    const base = subject({ packages });
    const run = (privileged: boolean) => ({ ...base, deploy: { privileged, capAdd: [], hostNetwork: false, hostPID: false, hostIPC: false, mounts: [], readOnlyRootfs: true, noNewPrivileges: true, resources: {} } });
    // The same package list under two run requests: the list-only rule is the same, the deploy rule follows the request.
    expect(evaluate(pinned, run(false), NOW).verdict).toBe('block');
    expect(evaluate(pinned, run(true), NOW).verdict).toBe('block');
    expect(evaluate(deployRule, run(false), NOW).verdict).toBe('allow');
    expect(evaluate(deployRule, run(true), NOW).verdict).toBe('block');
    // A rebuilt image (a new list) is judged on its own packages.
    expect(evaluate(pinned, subject({ packages: [pkg({ name: 'openssl', version: '3.0.13-1~deb12u1' })] }), NOW).verdict).toBe('allow');
  });
});

describe('scopes', () => {
  const p = policyOf(
    "  - id: prod-only\n    description: d\n    effect: block\n    scope:\n      environments: [prod]\n      images: ['docker.io/library/*']\n      labels: {team: 'pay*'}\n    config: {notRoot: true}\n",
  );
  it('applies a rule only where every scope field matches', () => {
    expect(evaluate(p, subject({ environment: 'prod', labels: { team: 'payments' } }), NOW).verdict).toBe('block');
    expect(evaluate(p, subject({ environment: 'dev', labels: { team: 'payments' } }), NOW).verdict).toBe('allow');
    expect(evaluate(p, subject({ environment: 'prod', labels: { team: 'search' } }), NOW).verdict).toBe('allow');
    const t = evaluateTraced(p, subject({ labels: { team: 'payments' } }), NOW);
    expect(t.rules[0]).toMatchObject({ status: 'out-of-scope', reason: expect.stringContaining('names no environment') });
  });

  it('matches images: against every name the image is also known as; exceptions only against the evaluated reference', () => {
    const teamB = policyOf(
      "  - id: team-b-kev\n    description: d\n    effect: block\n    scope:\n      images: ['registry.example.com/team-b/*']\n    vulnerabilities: {kev: true}\n",
      "exceptions:\n  - id: team-b-accepts\n    owner: bob@example.com\n    reason: r\n    expires: 2030-01-01\n    rules: [team-b-kev]\n    images: ['registry.example.com/team-b/*']\n",
    );
    const findings = [vuln({ id: 'CVE-2014-0160', kev: { dateAdded: '2022-05-04' } })];
    const image = { reference: 'registry.example.com/team-a/app:1.0', registry: 'registry.example.com', repository: 'registry.example.com/team-a/app', tags: ['1.0'], metadata: imageMeta() };
    expect(evaluate(teamB, subject({ image, findings }), NOW).verdict).toBe('allow');
    const alsoTeamB = { ...image, knownAs: ['registry.example.com/team-b/app', 'registry.example.com/team-b/app:2.0'] };
    const d = evaluate(teamB, subject({ image: alsoTeamB, findings }), NOW);
    // The rule follows the content into team-b; team-b's waiver does not reach the team-a reference being judged.
    expect(d.verdict).toBe('block');
    expect(d.exceptionsApplied).toEqual([]);
    const asTeamB = evaluate(teamB, subject({ image: { ...alsoTeamB, reference: 'registry.example.com/team-b/app:2.0', repository: 'registry.example.com/team-b/app', tags: ['2.0'] }, findings }), NOW);
    expect(asTeamB.verdict).toBe('allow');
    expect(asTeamB.exceptionsApplied.map((e) => e.id)).toEqual(['team-b-accepts']);
  });
});

describe('exceptions', () => {
  const rules = '  - id: kev\n    description: d\n    effect: block\n    vulnerabilities: {kev: true}\n  - id: root\n    description: d\n    effect: alert\n    config: {notRoot: true}\n';
  const exception = (expires: string, scope = "images: ['docker.io/library/debian']") =>
    `exceptions:\n  - id: heartbleed-legacy\n    owner: alice@example.com\n    reason: legacy appliance, replaced in Q3\n    expires: ${expires}\n    advisories: [CVE-2014-0160]\n    ${scope}\n`;
  const s = subject({ findings: [vuln({ id: 'DSA-2896-1', aliases: ['CVE-2014-0160'], kev: { dateAdded: '2022-05-04' } })] });

  it('waives matching violations and shows them in the decision', () => {
    const d = evaluate(policyOf(rules, exception('2026-06-01')), s, NOW);
    expect(d.verdict).toBe('warn');
    expect(d.violations.map((v) => v.ruleId)).toEqual(['root']);
    expect(d.exceptionsApplied).toEqual([
      expect.objectContaining({ id: 'heartbleed-legacy', owner: 'alice@example.com', expires: '2026-06-01', waived: [expect.objectContaining({ ruleId: 'kev' })] }),
    ]);
  });

  it('stops applying after its expiry day, by the evaluation time given', () => {
    const p = policyOf(rules, exception('2026-06-01'));
    expect(evaluate(p, s, new Date('2026-06-01T23:59:59Z')).verdict).toBe('warn');
    const after = evaluateTraced(p, s, new Date('2026-06-02T00:00:00Z'));
    expect(after.decision.verdict).toBe('block');
    expect(after.decision.exceptionsApplied).toEqual([]);
    expect(after.exceptions[0]).toMatchObject({ status: 'expired', matched: [expect.objectContaining({ ruleId: 'kev' })] });
    expect(evaluate(policyOf(rules, exception('2026-06-01T11:00:00Z')), s, NOW).verdict).toBe('block');
  });

  it('applies only to the images and advisories it names', () => {
    expect(evaluate(policyOf(rules, exception('2030-01-01', "images: ['ghcr.io/**']")), s, NOW).verdict).toBe('block');
    expect(evaluate(policyOf(rules, exception('2030-01-01', `digests: ['sha256:${'c'.repeat(64)}']`)), s, NOW).verdict).toBe('warn');
    const other = subject({ findings: [vuln({ id: 'CVE-2021-3711', kev: { dateAdded: '2022-01-01' } })] });
    expect(evaluate(policyOf(rules, exception('2030-01-01')), other, NOW).verdict).toBe('block');
  });
});

describe('decisions', () => {
  const p = policyOf(
    "  - id: a\n    description: d\n    effect: alert\n    vulnerabilities: {severity: low}\n  - id: b\n    description: d\n    effect: block\n    packages:\n      banned:\n        - name: 'lib*'\n",
  );
  it('carries the basis and the evaluation time', () => {
    const d = evaluate(p, subject({ basis: { inventoryId: 'inv-1', advisorySnapshot: 'snap-7' } }), NOW);
    expect(d).toMatchObject({ verdict: 'allow', evaluatedAt: '2026-06-01T12:00:00.000Z', basis: { policyName: 'test', policyVersion: '1', policyHash: p.hash, inventoryId: 'inv-1', advisorySnapshot: 'snap-7' } });
  });

  it('is deterministic: input order does not change the decision, block sorts first', () => {
    const names = ['libz', 'liba', 'libq', 'bash', 'libm'];
    const sevs = ['low', 'high', 'critical', 'medium'] as const;
    fc.assert(
      fc.property(fc.shuffledSubarray(names, { minLength: 1 }), fc.array(fc.tuple(fc.integer({ min: 0, max: 50 }), fc.constantFrom(...sevs)), { maxLength: 20 }), (picked, vs) => {
        const packages = picked.map((n) => pkg({ name: n, version: '1.0' }));
        const findings = vs.map(([n, severity]) => vuln({ id: `CVE-2026-${n}`, severity }));
        const a = evaluate(p, subject({ packages, findings }), NOW);
        const b = evaluate(p, subject({ packages: [...packages].reverse(), findings: [...findings].reverse() }), NOW);
        expect(b).toEqual(a);
        const effects = a.violations.map((v) => v.effect);
        expect(effects).toEqual([...effects.filter((e) => e === 'block'), ...effects.filter((e) => e === 'alert')]);
        expect(a.verdict).toBe(effects.includes('block') ? 'block' : effects.length > 0 ? 'warn' : 'allow');
      }),
      { numRuns: 100 },
    );
  });
});
