/**
 * One class per CEL object type. Activations are built from instances of
 * these, so the CEL library reads fields directly instead of converting
 * every plain object on every evaluation (a several-fold difference over
 * thousands of packages).
 */
import { CEL_TYPES } from './cel-input-model.js';

export type CelTypeName = keyof typeof CEL_TYPES;
export type CelClass = new (fields: object) => object;

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

export const CEL_CLASSES = Object.fromEntries(Object.keys(CEL_TYPES).map((name) => [name, celClass(name)])) as Record<CelTypeName, CelClass>;
