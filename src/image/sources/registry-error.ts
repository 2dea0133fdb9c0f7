/** The registry could not be reached or misbehaved (5xx, timeouts, broken connections, bad token server). */
import { BulkheadError } from '../../domain/errors.js';

export class RegistryError extends BulkheadError {}
