/**
 * Policy evaluation benchmark: a 50-rule policy (every rule kind, 10 of them
 * CEL) against a subject of 1,000 packages and 500 findings, after the policy
 * is loaded and its CEL compiled. Reports p50/p99/max per evaluate() call
 * beside the inventory of the demo image measured in the same process, and
 * the one-time load (compile) cost. Target: p99 < 2 ms.
 */
import path from 'node:path';
import type { Finding } from '../src/domain/finding.js';
import type { Package } from '../src/domain/package.js';
import type { Subject } from '../src/domain/subject.js';
import { compilePolicy, evaluate } from '../src/policy/index.js';
import { inventory } from '../src/scan/index.js';
import { recordSection } from './support/benchmarks-doc.js';
import { median } from './support/measure.js';

const WARMUP = 300;
const RUNS = Number(process.env.BENCH_RUNS ?? 3000);
const DEMO = path.resolve(new URL('../examples/demo/debian-heartbleed.tar', import.meta.url).pathname);

const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;

function rule(id: string, effect: 'alert' | 'block', body: string, scope = ''): string {
  return `  - id: ${id}\n    description: benchmark rule ${id}\n    effect: ${effect}\n${scope}${body}`;
}

/** 50 rules: 10 vulnerabilities, 10 packages, 10 config, 5 files, 5 deploy, 10 CEL. */
export function benchmarkPolicyText(): string {
  const rules: string[] = [];
  for (let i = 0; i < 10; i++) {
    const body = [
      '    vulnerabilities: {kev: true}\n',
      '    vulnerabilities: {severity: critical, fixableOnly: true}\n',
      '    vulnerabilities: {cvss: 9.0}\n',
      '    vulnerabilities: {epss: 0.5}\n',
      '    vulnerabilities: {severity: high, fixAvailableForDays: 30}\n',
      `    vulnerabilities: {ids: [CVE-2014-0160, CVE-2021-44228, CVE-2023-${4000 + i}]}\n`,
    ][i % 6] as string;
    rules.push(rule(`vuln-${i}`, i % 2 ? 'alert' : 'block', body, i === 9 ? "    scope: {environments: [prod, staging]}\n" : ''));
  }
  for (let i = 0; i < 10; i++) {
    const body = [
      `    packages:\n      banned:\n        - {name: openssl, ecosystem: deb, versions: '<3.0.13'}\n        - {name: 'log4j-*', versions: '>=2.0, <2.17.1'}\n`,
      `    packages:\n      required:\n        - {name: pkg-${i * 7}, minVersion: 1.2.${i}}\n`,
      `    packages:\n      licenses:\n        allow: [MIT, Apache-2.0, BSD-*, ISC, GPL-2.0-*, LGPL-*]\n`,
      `    packages:\n      licenses:\n        deny: [AGPL-*, SSPL-1.0]\n`,
      `    packages:\n      banned:\n        - {name: 'pkg-${i}*', versions: '>=1.0.0 <1.0.5 || =2.0.0'}\n`,
    ][i % 5] as string;
    rules.push(rule(`pkg-${i}`, i % 2 ? 'alert' : 'block', body));
  }
  for (let i = 0; i < 10; i++) {
    const body = [
      '    config: {notRoot: true}\n',
      '    config: {healthcheck: true}\n',
      '    config: {secrets: true}\n',
      "    config: {checks: ['cis-4.*', 'dockerfile-*']}\n",
      '    config: {requiredLabels: [org.opencontainers.image.source, maintainer], noLatestTag: true, maxAgeDays: 365, noRemoteAdd: true}\n',
    ][i % 5] as string;
    rules.push(rule(`config-${i}`, 'alert', body, i === 7 ? "    scope: {images: ['docker.io/library/*'], labels: {team: 'pay*'}}\n" : ''));
  }
  for (let i = 0; i < 5; i++) {
    rules.push(
      rule(
        `files-${i}`,
        'alert',
        i % 2
          ? "    files:\n      path: /etc/ssh/sshd_config\n      format: keyvalue\n      cel: 'content[\"PermitRootLogin\"] == \"no\"'\n"
          : "    files:\n      path: '/app/**.py'\n      forbid: ['^DEBUG\\s*=\\s*True']\n",
      ),
    );
  }
  for (let i = 0; i < 5; i++) {
    rules.push(rule(`deploy-${i}`, 'block', '    deploy:\n      denyPrivileged: true\n      deniedMounts: [/var/run/docker.sock]\n      requireLimits: [memory, pids]\n      denyRootUser: true\n'));
  }
  const cel = [
    'packages.all(p, p.name != "openssl" || versionCompare(p.ecosystem, p.version, "3.0.13") >= 0)',
    '!vulnerabilities.exists(v, v.kev && v.fixable)',
    'environment != "prod" || !image.runsAsRoot',
    'size(findings.filter(f, f.kind == "secret")) == 0',
    '!deploy.present || !deploy.privileged',
    'image.ageDays < 400',
    'packages.all(p, !(p.licenses.exists(l, l.startsWith("AGPL"))))',
    'vulnerabilities.all(v, v.cvss < 9.5 || v.fixAvailableDays < 60)',
    '"org.opencontainers.image.source" in image.labels',
    'image.registry in ["docker.io", "ghcr.io"]',
  ];
  cel.forEach((expression, i) => rules.push(rule(`cel-${i}`, i % 2 ? 'alert' : 'block', `    cel:\n      expression: '${expression}'\n`)));
  return `version: bench-1\nname: bench\nrules:\n${rules.join('')}exceptions:\n  - id: ex-1\n    owner: bench\n    reason: benchmark\n    expires: 2099-01-01\n    advisories: [CVE-2023-0002]\n    images: ['**']\n`;
}

export function benchmarkSubject(): Subject {
  const layer = 'sha256:' + 'a'.repeat(64);
  const licenses = ['MIT', 'Apache-2.0', 'GPL-2.0-or-later', 'BSD-3-Clause', 'MIT OR AGPL-3.0-only', 'LGPL-2.1-only AND MIT'];
  const packages: Package[] = Array.from({ length: 1000 }, (_, i) => ({
    id: `p${i}`,
    ecosystem: i % 3 === 0 ? 'deb' : i % 3 === 1 ? 'npm' : 'pypi',
    name: i === 0 ? 'libssl3' : `pkg-${i}`,
    version: i === 0 ? '3.0.11-1~deb12u2' : `1.${i % 10}.${i % 7}`,
    purl: `pkg:generic/pkg-${i}@1`,
    licenses: [licenses[i % licenses.length] as string],
    locations: [{ path: '/var/lib/dpkg/status', layer }],
    foundBy: 'bench',
    ...(i === 0 ? { source: { name: 'openssl', version: '3.0.11-1~deb12u2' } } : {}),
  }));
  const findings: Finding[] = Array.from({ length: 500 }, (_, i) => {
    const kind = i < 450 ? 'vulnerability' : i % 2 ? 'secret' : 'config';
    const severity = SEVERITIES[i % 4] as (typeof SEVERITIES)[number];
    return {
      kind,
      id: kind === 'vulnerability' ? `CVE-2023-${i}` : kind === 'secret' ? 'aws-access-key-id' : `cis-4.${i % 10}`,
      aliases: [],
      package: { id: `p${i}`, ecosystem: 'deb', name: `pkg-${i}`, version: '1.0', purl: `pkg:deb/pkg-${i}@1.0`, layer },
      severity,
      ratings: [{ source: 'nvd', type: 'CVSS_V3', score: (i % 100) / 10, level: severity }],
      ...(i % 50 === 0 ? { kev: { dateAdded: '2024-01-01' } } : {}),
      ...(i % 7 === 0 ? { epss: { score: (i % 10) / 10, percentile: 0.5 } } : {}),
      fixedVersions: i % 3 ? ['1.1'] : [],
      status: i % 3 ? 'fixed' : 'unfixed',
      published: '2025-01-01T00:00:00Z',
      references: [],
      evidence: { source: 'bench', matchedBy: 'direct', lookupName: `pkg-${i}` },
    } satisfies Finding;
  });
  return {
    image: {
      reference: 'docker.io/library/app:1',
      registry: 'docker.io',
      repository: 'docker.io/library/app',
      tags: ['1'],
      metadata: {
        configDigest: 'sha256:' + 'c'.repeat(64),
        repoTags: [],
        repoDigests: [],
        os: 'linux',
        architecture: 'amd64',
        created: '2026-01-01T00:00:00Z',
        config: { env: ['PATH=/usr/bin'], exposedPorts: [], volumes: [], labels: { team: 'payments' } },
        history: [{ createdBy: 'RUN apt-get install -y openssl', emptyLayer: false }],
        layers: [{ index: 0, diffId: layer }],
      },
    },
    packages,
    findings,
    files: {
      '/etc/ssh/sshd_config': { content: 'Port 22\nPermitRootLogin no\n', layer },
      '/app/settings.py': { content: 'DEBUG = False\nALLOWED_HOSTS = []\n', layer },
    },
    deploy: { privileged: false, capAdd: [], hostNetwork: false, hostPID: false, hostIPC: false, mounts: [], readOnlyRootfs: true, noNewPrivileges: true, resources: { memory: 1 << 29 }, user: '1000' },
    environment: 'prod',
    labels: { team: 'payments' },
  };
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

export async function policyEvaluate(): Promise<void> {
  const text = benchmarkPolicyText();
  const loadStart = performance.now();
  const policy = compilePolicy([{ file: 'bench.yaml', text }]);
  const loadMs = performance.now() - loadStart;
  if (policy.rules.length !== 50) throw new Error(`expected 50 rules, got ${policy.rules.length}`);
  const subject = benchmarkSubject();
  const now = new Date('2026-06-01T00:00:00Z');
  let violations = 0;
  for (let i = 0; i < WARMUP; i++) violations = evaluate(policy, subject, now).violations.length;
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    evaluate(policy, subject, now);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);

  // The first evaluation of an image: its lists were never seen, so the derived facts and CEL views are built.
  const fresh = Array.from({ length: 300 }, () => ({ ...subject, packages: [...subject.packages], findings: [...subject.findings] }));
  const firstTimes = fresh.map((s) => {
    const t = performance.now();
    evaluate(policy, s, now);
    return performance.now() - t;
  });
  firstTimes.sort((a, b) => a - b);

  const scans: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    await inventory(DEMO);
    scans.push(performance.now() - t);
  }
  const scanMs = median(scans);
  const cpuStart = process.cpuUsage();
  for (let i = 0; i < 300; i++) evaluate(policy, subject, now);
  const cpu = process.cpuUsage(cpuStart);
  const cpuMs = (cpu.user + cpu.system) / 1000 / 300;
  const load = (await import('node:os')).loadavg()[0] ?? NaN;
  const p50 = percentile(times, 50);
  const p99 = percentile(times, 99);
  const rows = [
    `| evaluate() p50 | ${p50.toFixed(3)} ms |`,
    `| evaluate() p99 | ${p99.toFixed(3)} ms (target < 2 ms) |`,
    `| evaluate() max | ${(times.at(-1) ?? NaN).toFixed(3)} ms |`,
    `| CPU time per evaluate() (mean of 300, process-wide incl. GC) | ${cpuMs.toFixed(3)} ms |`,
    `| first evaluate() of an image (lists never seen before) p50 / p99, 300 images | ${percentile(firstTimes, 50).toFixed(3)} / ${percentile(firstTimes, 99).toFixed(3)} ms |`,
    `| policy load + CEL compile (once) | ${loadMs.toFixed(1)} ms |`,
    `| reference: inventory of examples/demo/debian-heartbleed.tar (median of 3) | ${scanMs.toFixed(1)} ms |`,
    `| p99 evaluate / demo inventory | ${((p99 / scanMs) * 100).toFixed(3)} % |`,
  ];
  recordSection(
    'policy-evaluate',
    `## Policy evaluation

50 rules (10 vulnerabilities, 10 packages, 10 config, 5 files, 5 deploy, 10 CEL) and one exception,
against 1,000 packages, 500 findings (450 vulnerabilities), 2 files and a run request
(${violations} violations per decision); ${RUNS} calls after ${WARMUP} warm-up calls, Node ${process.version},
1-minute load average ${load.toFixed(1)} on ${(await import('node:os')).cpus().length} CPUs when measured (wall-clock percentiles stretch with load; the CPU time does less).

| measure | value |
| --- | --- |
${rows.join('\n')}

Result: p99 ${p99 < 2 ? 'within' : 'above'} the 2 ms target${p99 < 2 ? '' : ` (CPU time per decision ${cpuMs.toFixed(2)} ms)`}. The calls reuse one subject's lists, as an
enforcement point re-evaluating a known image under each run request does. Kept across calls: what is a pure function
of the policy (version-constraint and license verdicts per distinct version or license string, bounded) and what is a
pure function of one package or findings list (vulnerability facts, messages and evidence; the CEL views of the lists;
the outcome of a CEL rule that reads a single list), held in WeakMaps that die with the lists. The first evaluation of
an image pays for building those (the "first evaluate()" row), and a subject with unseen versions also pays their
comparisons (about 1 µs each; 222 packages here match a banned-name glob).`,
  );
  process.stderr.write(`${rows.join('\n')}\n`);
}
