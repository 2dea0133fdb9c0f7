/**
 * Dockerfile lint: the security-relevant mistakes (root user, ADD where COPY
 * belongs, curl | sh, secrets in ARG/ENV, unpinned base images, sudo, apt
 * hygiene), each a kind 'config' finding with the Dockerfile's path and line;
 * secrets matched by the secret rules come out as kind 'secret'.
 */
import type { Finding } from '../../domain/finding.js';
import type { SeverityLevel } from '../../domain/severity.js';
import { parseImageReference } from '../../image/sources/image-reference.js';
import { isRootUser } from '../image-config/checks.js';
import { configFinding } from '../image-config/image-config-check.js';
import { BUILTIN_SECRET_RULES } from '../secrets/builtin-rules.js';
import { redact } from '../secrets/redact.js';
import { scanText } from '../secrets/scan-text.js';
import { compileSecretAllowList } from '../secrets/secret-allow-list.js';
import { secretFinding } from '../secrets/secret-finding.js';
import { isLiteralSecretValue, isSecretLikeName } from '../secrets/secret-name.js';
import { parseDockerfile, type Instruction } from './parse-dockerfile.js';

export interface DockerfileRule {
  readonly id: string;
  readonly title: string;
  readonly cis?: string;
  readonly severity: SeverityLevel;
  readonly remediation: string;
}

const rule = (id: string, title: string, severity: SeverityLevel, remediation: string, cis?: string): DockerfileRule => ({ id, title, severity, remediation, ...(cis ? { cis } : {}) });

export const DOCKERFILE_RULES = {
  userRoot: rule('dockerfile-user-root', 'Final stage runs as root (no USER, or USER root)', 'high', 'Add USER with a non-root user to the final stage.', '4.1'),
  addRemote: rule('dockerfile-add-remote', 'ADD fetches a remote URL', 'medium', 'Download in a RUN step with checksum verification, or use COPY.', '4.9'),
  addLocal: rule('dockerfile-add-local', 'ADD of a local file that is not an archive (use COPY)', 'low', 'Use COPY: ADD silently unpacks archives and fetches URLs.', '4.9'),
  pipeToShell: rule('dockerfile-pipe-to-shell', 'Remote script piped into a shell (curl | sh)', 'high', 'Download the script, verify its checksum or signature, then run it.'),
  secretArgEnv: rule('dockerfile-secret-in-arg-env', 'Secret-named ARG or ENV with a literal value', 'high', 'Use BuildKit secrets (RUN --mount=type=secret) or inject at run time.', '4.10'),
  unpinnedBase: rule('dockerfile-base-unpinned', "Base image without a tag or with 'latest'", 'medium', 'Pin the base image to a version tag and, better, a digest (FROM image:tag@sha256:…).'),
  baseNoDigest: rule('dockerfile-base-no-digest', 'Base image not pinned by digest', 'low', 'Pin the base image by digest (FROM image:tag@sha256:…).'),
  sudo: rule('dockerfile-sudo', 'sudo in a RUN instruction', 'medium', 'RUN already runs as the current USER; switch USER instead of using sudo.'),
  aptRecommends: rule('dockerfile-apt-no-install-recommends', 'apt-get install without --no-install-recommends', 'low', 'Add --no-install-recommends to keep unneeded packages (and their vulnerabilities) out.'),
  aptCache: rule('dockerfile-apt-lists-not-removed', 'apt lists not removed in the same RUN', 'low', 'End the RUN with && rm -rf /var/lib/apt/lists/* (or use a cache mount).'),
  aptUpgrade: rule('dockerfile-apt-upgrade', 'apt-get upgrade / dist-upgrade in the image build', 'low', 'Rebuild on an updated base image instead of upgrading inside the build.'),
  updateAlone: rule('dockerfile-update-alone', 'Package index update in a RUN of its own', 'low', 'Combine apt-get update with install in one RUN so the cached layer cannot go stale.', '4.7'),
} as const;

const ARCHIVE = /\.(?:tar|tar\.gz|tgz|tar\.bz2|tbz2?|tar\.xz|txz|tar\.zst|tar\.lz4)$/i;
const URL_SOURCE = /^(?:https?|ftp):\/\/|^git@|^git:\/\//i;
const PIPE_TO_SHELL = /\b(?:curl|wget)\b[^|;\n]{0,4000}\|[ \t]*(?:sudo[ \t]+(?:-\S+[ \t]+){0,4})?(?:env[ \t]+)?(?:\/(?:usr\/)?bin\/)?(?:ba|da|z|k|a)?sh\b/;
const SHELL_OF_DOWNLOAD = /\b(?:ba|da|z)?sh[ \t]+-c[ \t]+["']?\$\([ \t]*(?:curl|wget)\b/;
const APT_INSTALL = /\bapt(?:-get)?[ \t]+(?:-\S+[ \t]+){0,10}install\b/;
const APT_UPDATE = /\bapt(?:-get)?[ \t]+(?:-\S+[ \t]+){0,10}update\b/;
const APT_UPGRADE = /\bapt(?:-get)?[ \t]+(?:-\S+[ \t]+){0,10}(?:dist-upgrade|full-upgrade|upgrade)\b/;

function finding(r: DockerfileRule, detail: string, path: string, line: number): Finding {
  return configFinding(r, detail, { path, line });
}

/** The shell text a RUN executes: its arguments (or exec-form words) and heredoc bodies. */
function runText(ins: Instruction): string {
  return [ins.json ? ins.json.join(' ') : ins.rest, ...ins.heredocs.map((h) => h.body)].join('\n');
}

/** `ARG A=1 B=2`, `ENV A=1 B="x y"`, legacy `ENV A value`. */
function assignments(ins: Instruction): Array<[string, string]> {
  const text = ins.rest;
  const legacy = /^([A-Za-z_][A-Za-z0-9_]*)[ \t]+(?!\S*=)(.+)$/.exec(text);
  if (ins.keyword === 'ENV' && legacy) return [[legacy[1] as string, legacy[2] as string]];
  const out: Array<[string, string]> = [];
  for (const m of text.matchAll(/([A-Za-z_][A-Za-z0-9_.-]*)=("(?:[^"\\]|\\.)*"|'[^']*'|\S*)/g)) out.push([m[1] as string, (m[2] as string).replace(/^(["'])(.*)\1$/, '$2')]);
  return out;
}

/**
 * Lints Dockerfile text; `path` is what findings show. Throws BadInputError
 * for binary input and LimitExceededError beyond MAX_DOCKERFILE_BYTES.
 */
export function lintDockerfile(text: string, path: string): Finding[] {
  const { instructions } = parseDockerfile(text);
  const findings: Finding[] = [];
  const stages = new Set<string>();
  const allow = compileSecretAllowList();
  let lastFrom: Instruction | undefined;
  let lastUser: Instruction | undefined;
  // Tokens and keys anywhere in the file (RUN lines, COPY heredocs, labels), with their own line numbers.
  const secrets = scanText(text, BUILTIN_SECRET_RULES, allow);
  const secretLines = new Set(secrets.map((m) => m.line));

  for (const ins of instructions) {
    switch (ins.keyword) {
      case 'FROM': {
        lastFrom = ins;
        lastUser = undefined;
        const [image = '', as, alias] = ins.rest.split(/[ \t]+/);
        if (as?.toUpperCase() === 'AS' && alias) stages.add(alias.toLowerCase());
        if (image === 'scratch' || stages.has(image.toLowerCase()) || image.includes('$')) break;
        try {
          const ref = parseImageReference(image);
          const explicitTag = /:[\w][\w.-]*$/.test(image.split('@')[0]?.split('/').pop() ?? '');
          if (!ref.digest && (!explicitTag || ref.tag === 'latest')) findings.push(finding(DOCKERFILE_RULES.unpinnedBase, `FROM ${image}`, path, ins.line));
          else if (!ref.digest) findings.push(finding(DOCKERFILE_RULES.baseNoDigest, `FROM ${image}`, path, ins.line));
        } catch {
          findings.push(finding(DOCKERFILE_RULES.unpinnedBase, `FROM ${image} is not a valid image reference`, path, ins.line));
        }
        break;
      }
      case 'USER':
        lastUser = ins;
        break;
      case 'ADD': {
        const words = ins.json ?? ins.rest.split(/[ \t]+/).filter(Boolean);
        const sources = words.slice(0, -1);
        for (const source of sources) {
          if (URL_SOURCE.test(source)) findings.push(finding(DOCKERFILE_RULES.addRemote, `ADD ${source}`, path, ins.line));
          else if (!ARCHIVE.test(source) && ins.heredocs.length === 0) findings.push(finding(DOCKERFILE_RULES.addLocal, `ADD ${source}`, path, ins.line));
        }
        break;
      }
      case 'RUN': {
        const script = runText(ins);
        if (PIPE_TO_SHELL.test(script) || SHELL_OF_DOWNLOAD.test(script)) findings.push(finding(DOCKERFILE_RULES.pipeToShell, 'a downloaded script is executed without verification', path, ins.line));
        if (/(?:^|[\s;&|(])sudo\b/.test(script)) findings.push(finding(DOCKERFILE_RULES.sudo, 'RUN uses sudo', path, ins.line));
        const installs = APT_INSTALL.test(script);
        if (installs && !/--no-install-recommends\b|APT::Install-Recommends=(?:false|0)/.test(script)) findings.push(finding(DOCKERFILE_RULES.aptRecommends, 'apt-get install without --no-install-recommends', path, ins.line));
        const cacheMount = /target=\/var\/(?:lib|cache)\/apt/.test(ins.flags.get('mount') ?? '') || /--mount=[^ ]*target=\/var\/(?:lib|cache)\/apt/.test(ins.args);
        if ((installs || APT_UPDATE.test(script)) && !cacheMount && !/\brm[ \t]+-(?:rf|fr|r)[ \t]+[^;&|\n]{0,200}\/var\/lib\/apt\/lists/.test(script)) {
          findings.push(finding(DOCKERFILE_RULES.aptCache, 'the RUN leaves /var/lib/apt/lists in the layer', path, ins.line));
        }
        if (APT_UPGRADE.test(script)) findings.push(finding(DOCKERFILE_RULES.aptUpgrade, 'RUN upgrades packages', path, ins.line));
        if (APT_UPDATE.test(script) && !installs) findings.push(finding(DOCKERFILE_RULES.updateAlone, 'apt-get update without an install in the same RUN', path, ins.line));
        break;
      }
      case 'ARG':
      case 'ENV':
        for (const [name, value] of assignments(ins)) {
          if (isSecretLikeName(name) && isLiteralSecretValue(value) && !allow.value(value) && !secretLines.has(ins.line)) {
            findings.push(finding(DOCKERFILE_RULES.secretArgEnv, `${ins.keyword} ${name}=${redact(value)}`, path, ins.line));
          }
        }
        break;
      default:
        break;
    }
  }
  if (lastFrom && (!lastUser || isRootUser(lastUser.rest))) {
    const at = lastUser ?? lastFrom;
    findings.push(finding(DOCKERFILE_RULES.userRoot, lastUser ? `USER ${lastUser.rest}` : 'the final stage has no USER instruction', path, at.line));
  }
  for (const m of secrets) {
    findings.push({ ...secretFinding(m.rule, m.secret, { path, line: m.line }), aliases: ['CIS-Docker-4.10'] });
  }
  return findings.sort((a, b) => (a.location?.line ?? 0) - (b.location?.line ?? 0));
}
