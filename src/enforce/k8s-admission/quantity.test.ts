import { describe, expect, it } from 'vitest';
import { parseQuantity } from './quantity.js';

// Values from the Kubernetes documentation on resource units
// (https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/#resource-units-in-kubernetes).
describe('parseQuantity', () => {
  it('reads memory quantities in binary and decimal units', () => {
    expect(parseQuantity('128974848')).toBe(128974848);
    expect(parseQuantity('129e6')).toBe(129e6);
    expect(parseQuantity('129M')).toBe(129e6);
    expect(parseQuantity('123Mi')).toBe(123 * 1024 * 1024);
    expect(parseQuantity('1Gi')).toBe(1073741824);
  });
  it('reads CPU in cores and millicores', () => {
    expect(parseQuantity('500m')).toBe(0.5);
    expect(parseQuantity('0.5')).toBe(0.5);
    expect(parseQuantity('2')).toBe(2);
    expect(parseQuantity(1)).toBe(1);
  });
  it('rejects what is not a quantity', () => {
    expect(parseQuantity('400 m')).toBeUndefined();
    expect(parseQuantity('lots')).toBeUndefined();
    expect(parseQuantity('1Xi')).toBeUndefined();
    expect(parseQuantity({})).toBeUndefined();
  });
});
