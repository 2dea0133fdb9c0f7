import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CEL_SUBJECT_VARIABLES, CEL_TYPES } from './cel-input-model.js';

// docs/policy.md documents the CEL input model; this keeps the two from drifting apart.
describe('CEL input model documentation', () => {
  const doc = readFileSync(fileURLToPath(new URL('../../../docs/policy.md', import.meta.url)), 'utf8');

  it('lists every field of every type with its CEL type', () => {
    for (const [type, fields] of Object.entries(CEL_TYPES)) {
      for (const [field, celType] of Object.entries(fields)) {
        expect(doc, `${type}.${field}`).toContain(`| ${type} | ${field} | ${celType} |`);
      }
    }
  });

  it('names every variable with its type', () => {
    for (const [name, type] of Object.entries(CEL_SUBJECT_VARIABLES)) expect(doc).toContain(`\`${name}: ${type}\``);
  });
});
