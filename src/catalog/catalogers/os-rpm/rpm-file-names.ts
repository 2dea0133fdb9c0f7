/**
 * The paths an RPM installs, from its compressed file list: BASENAMES[i]
 * lives in DIRNAMES[DIRINDEXES[i]]. Needed to resolve file requirements
 * ('Requires: /usr/bin/perl'), which rpm satisfies from file lists as well as
 * from Provides.
 */
import { BadInputError } from '../../../domain/errors.js';
import type { RpmHeader } from './rpm-header.js';

const DIRINDEXES = 1116;
const BASENAMES = 1117;
const DIRNAMES = 1118;

export function rpmFileNames(header: RpmHeader): string[] {
  const baseNames = header.strings(BASENAMES);
  if (baseNames.length === 0) return [];
  const dirNames = header.strings(DIRNAMES);
  const dirIndexes = header.integers(DIRINDEXES);
  if (dirIndexes.length !== baseNames.length) throw new BadInputError('rpm file list: base names and directory indexes differ in length');
  return baseNames.map((base, i) => {
    const dir = dirNames[dirIndexes[i] as number];
    if (dir === undefined) throw new BadInputError('rpm file list: directory index out of range');
    return `${dir}${base}`;
  });
}
