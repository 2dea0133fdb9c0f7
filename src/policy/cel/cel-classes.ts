/**
 * One class per CEL object type. Activations are built from instances of
 * these, so the CEL library reads fields directly instead of converting
 * every plain object on every evaluation (a several-fold difference over
 * thousands of packages).
 */
import type { Finding as DomainFinding } from '../../domain/finding.js';
import type { Package as DomainPackage } from '../../domain/package.js';
import { CEL_TYPES } from './cel-input-model.js';

export type CelTypeName = keyof typeof CEL_TYPES;
export type CelClass = new (fields: object) => object;

type Fields<T extends CelTypeName> = Record<keyof (typeof CEL_TYPES)[T], unknown>;

function celClass(name: string): CelClass {
  // A named class per type keeps error messages and type() readable.
  const holder = {
    [name]: class {
      constructor(fields: object) {
        Object.assign(this, fields);
      }
    },
  };
  return holder[name] as CelClass;
}

/*
 * Packages and vulnerabilities come by the thousand per subject, so their
 * classes copy fields straight from the domain objects: one allocation per
 * element, always the same shape, instead of a fields literal merged in.
 * Field order and values are those of CEL_TYPES (the Fields type keeps the
 * set in step).
 */
class Package implements Fields<'Package'> {
  declare readonly name: string;
  declare readonly version: string;
  declare readonly ecosystem: string;
  declare readonly purl: string;
  declare readonly sourceName: string;
  declare readonly sourceVersion: string;
  declare readonly licenses: readonly string[];
  declare readonly path: string;
  declare readonly layer: string;
  declare readonly foundBy: string;
  constructor(p: DomainPackage) {
    const loc = p.locations[0];
    this.name = p.name;
    this.version = p.version;
    this.ecosystem = p.ecosystem;
    this.purl = p.purl;
    this.sourceName = p.source?.name ?? '';
    this.sourceVersion = p.source?.version ?? '';
    this.licenses = p.licenses;
    this.path = loc?.path ?? '';
    this.layer = loc?.layer ?? '';
    this.foundBy = p.foundBy;
  }
}

class Vulnerability implements Fields<'Vulnerability'> {
  declare readonly id: string;
  declare readonly aliases: readonly string[];
  declare readonly severity: string;
  declare readonly cvss: number;
  declare readonly kev: boolean;
  declare readonly epss: number;
  declare readonly fixable: boolean;
  declare readonly fixedVersions: readonly string[];
  declare readonly status: string;
  declare readonly fixAvailableDays: bigint;
  declare readonly packageName: string;
  declare readonly packageVersion: string;
  declare readonly ecosystem: string;
  constructor(f: DomainFinding, cvss: number, fixAvailableDays: bigint) {
    this.id = f.id;
    this.aliases = f.aliases;
    this.severity = f.severity;
    this.cvss = cvss;
    this.kev = f.kev !== undefined;
    this.epss = f.epss?.score ?? 0;
    this.fixable = f.status === 'fixed';
    this.fixedVersions = f.fixedVersions;
    this.status = f.status;
    this.fixAvailableDays = fixAvailableDays;
    this.packageName = f.package?.name ?? '';
    this.packageVersion = f.package?.version ?? '';
    this.ecosystem = f.package?.ecosystem ?? '';
  }
}

export const CEL_PACKAGE = Package;
export const CEL_VULNERABILITY = Vulnerability;

export const CEL_CLASSES = Object.fromEntries(
  Object.keys(CEL_TYPES).map((name) => [name, name === 'Package' ? Package : name === 'Vulnerability' ? Vulnerability : celClass(name)]),
) as Record<CelTypeName, CelClass>;
