import { describe, expect, it } from 'vitest';
import { apk, compareApkVersions } from './apk.js';

// No apk-tools 3 binary exists for Debian; these cases restate apk-package(5)'s version
// rules. Every line of apk-tools' own test/unit/version.data runs in the conformance suite.
describe('apk scheme', () => {
  it('orders suffixes _alpha < _beta < _pre < _rc < none < _cvs < _svn < _git < _hg < _p', () => {
    const order = ['1.0_alpha', '1.0_beta', '1.0_pre', '1.0_rc', '1.0', '1.0_cvs', '1.0_svn', '1.0_git', '1.0_hg', '1.0_p'];
    for (let i = 0; i + 1 < order.length; i++) expect(apk.compare(order[i]!, order[i + 1]!), `${order[i]} < ${order[i + 1]}`).toBe(-1);
  });

  it('orders numbers, the letter, suffix numbers and -rN revisions numerically', () => {
    expect(apk.compare('1.2.9', '1.2.10')).toBe(-1);
    expect(apk.compare('1.2', '1.2a')).toBe(-1);
    expect(apk.compare('1.2a', '1.2b')).toBe(-1);
    expect(apk.compare('1.0_rc9', '1.0_rc10')).toBe(-1);
    expect(apk.compare('1.0-r9', '1.0-r10')).toBe(-1);
    expect(apk.compare('1.0-r0', '1.0')).toBe(1);
    expect(apk.compare('1.0_p1-r0', '1.0_p1-r1')).toBe(-1);
  });

  it('compares a later component with a leading zero as a string', () => {
    expect(apk.compare('1.01', '1.1')).toBe(-1);
    expect(apk.compare('1.001', '1.01')).toBe(-1);
  });

  it('validates the digit{.digit}{letter}{_suffix{#}}{~hash}{-r#} grammar', () => {
    for (const ok of ['1', '1.2.3', '1.2.3a', '1.0_alpha1_pre2', '0.1_pre2~1234abcd', '1.0-r12']) expect(apk.valid(ok), ok).toBe(true);
    for (const bad of ['', 'a', '.1', '1.0-1', '1.0_foo', '1.0a1', '1.0-r', '1.0-r1_p1', '1.0~']) expect(apk.valid(bad), bad).toBe(false);
    expect(() => apk.compare('1.0-1', '1.0')).toThrow(/invalid apk version/);
  });

  it('fuzzy-matches a shorter version as apk\'s ~ operator does', () => {
    expect(compareApkVersions('3.6.9', '3.6', true)).toBe(0);
    expect(compareApkVersions('3.6.9', '3.6', false)).toBe(1);
    expect(compareApkVersions('3.8.0', '3.8.1', true)).toBe(-1);
  });
});
