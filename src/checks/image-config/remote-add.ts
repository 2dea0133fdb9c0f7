/** No ADD of remote URLs in the build history (CIS 4.9). */
import type { Finding } from '../../domain/finding.js';
import { configFinding, NO_PARAMS, type ImageConfigCheck } from './image-config-check.js';

/** `ADD [--flags] URL …` as the classic builder (`#(nop) ADD`) and BuildKit record it. */
const ADD_REMOTE = /(?:^|#\(nop\)\s+|\s)ADD(?:\s+--[a-z-]{1,20}(?:=\S{0,200})?){0,8}\s+(?:https?|ftp):\/\/\S{1,2000}/i;
const ADD_GIT = /(?:^|#\(nop\)\s+|\s)ADD(?:\s+--[a-z-]{1,20}(?:=\S{0,200})?){0,8}\s+(?:git@|git:\/\/|https?:\/\/\S{1,2000}\.git(?:[#\s]|$))/i;

export const noRemoteAdd = {
  id: 'image-no-add-remote',
  title: 'ADD fetches a remote URL',
  cis: '4.9',
  severity: 'medium',
  remediation: 'Use COPY for local files; download with curl/wget in a RUN step that verifies a checksum.',
  params: NO_PARAMS,
  run({ image }) {
    const findings: Finding[] = [];
    image.history.forEach((entry, i) => {
      const createdBy = entry.createdBy ?? '';
      const m = ADD_REMOTE.exec(createdBy) ?? ADD_GIT.exec(createdBy);
      if (m) findings.push(configFinding(this, m[0].trim().slice(0, 300), { field: `history[${i}].created_by`, createdBy: createdBy.slice(0, 500) }));
    });
    return findings;
  },
} satisfies ImageConfigCheck<typeof NO_PARAMS>;
