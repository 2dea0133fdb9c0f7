/**
 * Reads a policy file, or every *.yaml / *.yml file directly inside a
 * directory, and compiles them into one PolicySet. Reads are bounded; an
 * empty directory is an error, never an empty policy.
 */
import { open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { BadInputError, LimitExceededError } from '../domain/errors.js';
import { compilePolicy, type PolicySource } from './compile-policy.js';
import type { PolicySet } from './policy-set.js';

const MAX_FILE_BYTES = 1024 * 1024;
const MAX_FILES = 256;

export async function readPolicyText(file: string): Promise<string> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(MAX_FILE_BYTES + 1);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    if (bytesRead > MAX_FILE_BYTES) throw new LimitExceededError(`${file}: policy file larger than ${MAX_FILE_BYTES} bytes`);
    return buffer.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
}

/** The policy files a path names: itself, or the YAML files in it (sorted). */
export async function policyFiles(pathOrDir: string): Promise<string[]> {
  const info = await stat(pathOrDir);
  if (!info.isDirectory()) return [pathOrDir];
  const names = (await readdir(pathOrDir, { withFileTypes: true }))
    .filter((e) => e.isFile() && /\.ya?ml$/i.test(e.name))
    .map((e) => e.name)
    .sort();
  if (names.length === 0) throw new BadInputError(`${pathOrDir}: no policy files (*.yaml, *.yml) in this directory`);
  if (names.length > MAX_FILES) throw new LimitExceededError(`${pathOrDir}: more than ${MAX_FILES} policy files`);
  return names.map((n) => join(pathOrDir, n));
}

/**
 * Loads and compiles the policy at `pathOrDir`.
 * @throws PolicyLoadError (file:line problems), BadInputError, or a file-system error.
 */
export async function loadPolicySet(pathOrDir: string): Promise<PolicySet> {
  const files = await policyFiles(pathOrDir);
  const sources: PolicySource[] = [];
  for (const file of files) sources.push({ file, text: await readPolicyText(file) });
  return compilePolicy(sources);
}
