/** setuid/setgid files beyond an allow-list, from the FileTree (CIS 4.8). */
import { z } from 'zod';
import type { Finding } from '../../domain/finding.js';
import { pathGlobs } from '../path-glob.js';
import { configFinding, type ImageConfigCheck } from './image-config-check.js';

const setuidParams = z
  .object({
    /** Path globs of setuid/setgid files that are accepted. */
    allow: z.array(z.string().min(1)).default([]),
  })
  .strict();

export const setuidFiles = {
  id: 'image-setuid-files',
  title: 'setuid/setgid file',
  cis: '4.8',
  severity: 'medium',
  remediation: 'Remove the setuid/setgid bits (RUN find / -xdev -perm /6000 -type f -exec chmod a-s {} +) or allow-list the file.',
  params: setuidParams,
  run({ tree }, params) {
    if (!tree) return [];
    const allowed = pathGlobs(params.allow);
    const findings: Finding[] = [];
    for (const entry of tree.entries()) {
      if (entry.type !== 'file' || (entry.mode & 0o6000) === 0 || allowed.test(entry.path)) continue;
      const bits = [(entry.mode & 0o4000) !== 0 ? 'setuid' : '', (entry.mode & 0o2000) !== 0 ? 'setgid' : ''].filter(Boolean).join('+');
      findings.push(configFinding(this, `${entry.path} is ${bits} (mode ${(entry.mode & 0o7777).toString(8).padStart(4, '0')}, uid ${entry.uid})`, { path: entry.path, ...(entry.layer ? { layer: entry.layer } : {}) }));
    }
    return findings.sort((a, b) => (a.location?.path ?? '').localeCompare(b.location?.path ?? ''));
  },
} satisfies ImageConfigCheck<typeof setuidParams>;
