import { BadInputError } from '../domain/errors.js';
import type { SchemeName } from './scheme.js';

/** A string that the named scheme's own tool would refuse as a version. */
export class InvalidVersionError extends BadInputError {
  readonly scheme: SchemeName;
  readonly version: string;

  constructor(scheme: SchemeName, version: string, reason: string) {
    super(`invalid ${scheme} version ${JSON.stringify(version.length > 200 ? `${version.slice(0, 200)}…` : version)}: ${reason}`);
    this.scheme = scheme;
    this.version = version;
  }
}
