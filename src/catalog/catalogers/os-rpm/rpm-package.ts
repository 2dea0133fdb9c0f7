/**
 * The inventory facts of one installed RPM, read from its header: the tags
 * `rpm -q --qf` would print for NAME, EPOCH, VERSION, RELEASE, ARCH,
 * SOURCERPM, SIZE, LICENSE, VENDOR and MODULARITYLABEL.
 */
import { BadInputError } from '../../../domain/errors.js';
import type { RpmHeader } from './rpm-header.js';

/** Tag numbers from rpm's rpmtag.h. */
const TAG = {
  NAME: 1000,
  VERSION: 1001,
  RELEASE: 1002,
  EPOCH: 1003,
  SIZE: 1009,
  VENDOR: 1011,
  LICENSE: 1014,
  ARCH: 1022,
  SOURCERPM: 1044,
  PROVIDENAME: 1047,
  REQUIRENAME: 1049,
  LONGSIZE: 5009,
  MODULARITYLABEL: 5096,
} as const;

export interface RpmPackage {
  readonly name: string;
  readonly epoch?: number;
  readonly version: string;
  readonly release: string;
  readonly arch?: string;
  readonly sourceRpm?: string;
  readonly size?: number;
  readonly license?: string;
  readonly vendor?: string;
  readonly modularityLabel?: string;
  readonly provides: readonly string[];
  readonly requires: readonly string[];
}

export function toRpmPackage(header: RpmHeader): RpmPackage {
  const name = header.string(TAG.NAME);
  const version = header.string(TAG.VERSION);
  const release = header.string(TAG.RELEASE);
  if (!name || version === undefined || release === undefined) {
    throw new BadInputError('rpm header lacks a name, version or release');
  }
  const optional = <K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } =>
    value === undefined ? {} : ({ [key]: value } as { [P in K]: V });
  return {
    name,
    ...optional('epoch', header.integer(TAG.EPOCH)),
    version,
    release,
    ...optional('arch', header.string(TAG.ARCH)),
    ...optional('sourceRpm', header.string(TAG.SOURCERPM)),
    ...optional('size', header.integer(TAG.SIZE) ?? header.integer(TAG.LONGSIZE)),
    ...optional('license', header.string(TAG.LICENSE)),
    ...optional('vendor', header.string(TAG.VENDOR)),
    ...optional('modularityLabel', header.string(TAG.MODULARITYLABEL)),
    provides: header.strings(TAG.PROVIDENAME),
    requires: header.strings(TAG.REQUIRENAME),
  };
}

/** `[epoch:]version-release`, as rpm's %{EVR} prints it. */
export function rpmVersionString(pkg: RpmPackage): string {
  return `${pkg.epoch !== undefined ? `${pkg.epoch}:` : ''}${pkg.version}-${pkg.release}`;
}
