/**
 * Every migration, in order. Add a file NNN-name.ts exporting `up` and one
 * line here; never edit a migration that has shipped.
 */
import type { Migration } from 'kysely';
import * as initial from './001-initial.js';
import * as policyActivations from './002-policy-activations.js';
import * as registrySync from './003-registry-sync.js';
import * as inventoryDocumentMac from './004-inventory-document-mac.js';
import * as hostAudits from './005-host-audits.js';
import * as containerOwnerState from './006-container-owner-state.js';

export const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '001-initial': initial,
  '002-policy-activations': policyActivations,
  '003-registry-sync': registrySync,
  '004-inventory-document-mac': inventoryDocumentMac,
  '005-host-audits': hostAudits,
  '006-container-owner-state': containerOwnerState,
};
