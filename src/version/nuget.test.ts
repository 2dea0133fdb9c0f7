import { describe, expect, it } from 'vitest';
import { nuget } from './nuget.js';

// No NuGet client runs on this machine; the cases restate NuGet's documented
// version precedence (learn.microsoft.com "Package versioning"). osv-scalibr's
// NuGet vectors run in the conformance suite.
describe('nuget scheme', () => {
  it('follows the documented pre-release precedence', () => {
    const order = ['1.0.0-alpha', '1.0.0-alpha.1', '1.0.0-alpha.beta', '1.0.0-beta', '1.0.0-beta.2', '1.0.0-beta.11', '1.0.0-rc.1', '1.0.0'];
    for (let i = 0; i + 1 < order.length; i++) expect(nuget.compare(order[i]!, order[i + 1]!), `${order[i]} < ${order[i + 1]}`).toBe(-1);
  });

  it('treats missing parts as zero, compares labels case-insensitively and ignores metadata', () => {
    expect(nuget.compare('1.0', '1.0.0.0')).toBe(0);
    expect(nuget.compare('1.0.0.1', '1.0.0')).toBe(1);
    expect(nuget.compare('1.0.0-BETA', '1.0.0-beta')).toBe(0);
    expect(nuget.compare('1.0.0+build.1', '1.0.0+build.2')).toBe(0);
    expect(nuget.compare('1.0.01', '1.0.1')).toBe(0);
  });

  it('accepts what NuGetVersion.TryParse accepts', () => {
    for (const ok of ['1', '1.0', '1.0.0.0', ' 1.0.0 ', '1.0.0-rc.1+abc', '01.2.3']) expect(nuget.valid(ok), ok).toBe(true);
    for (const bad of ['', '1.0.0.0.0', '1..0', '1.0.0-', '1.0.0-01', '1.0.0-a..b', 'a.b', '2147483648.0']) expect(nuget.valid(bad), bad).toBe(false);
  });
});
