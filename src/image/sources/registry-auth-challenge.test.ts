// Headers as real registries send them (Docker Hub, GHCR, distribution's htpasswd
// and token auth) and the RFC 7235 corners around them.
import { describe, expect, it } from 'vitest';
import { parseAuthChallenges } from './registry-auth-challenge.js';

describe('parseAuthChallenges', () => {
  it('reads Docker Hub\'s Bearer challenge', () => {
    expect(
      parseAuthChallenges('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/debian:pull"'),
    ).toEqual([
      { scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/debian:pull' } },
    ]);
  });

  it('keeps commas inside quoted values (insufficient_scope answers)', () => {
    const [c] = parseAuthChallenges(
      'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:samalba/my-app:pull,push",error="insufficient_scope"',
    );
    expect(c?.params).toEqual({
      realm: 'https://auth.docker.io/token',
      service: 'registry.docker.io',
      scope: 'repository:samalba/my-app:pull,push',
      error: 'insufficient_scope',
    });
  });

  it('reads distribution\'s htpasswd Basic challenge', () => {
    expect(parseAuthChallenges('Basic realm="Registry Realm"')).toEqual([{ scheme: 'basic', params: { realm: 'Registry Realm' } }]);
  });

  it('splits several challenges in one header', () => {
    expect(parseAuthChallenges('Basic realm="simple", Bearer realm="https://ghcr.io/token", service="ghcr.io",scope="repository:o/i:pull"')).toEqual([
      { scheme: 'basic', params: { realm: 'simple' } },
      { scheme: 'bearer', params: { realm: 'https://ghcr.io/token', service: 'ghcr.io', scope: 'repository:o/i:pull' } },
    ]);
  });

  it('lower-cases scheme and parameter names but not values', () => {
    expect(parseAuthChallenges('BEARER Realm="https://Auth.Example/Token", SERVICE=Reg')).toEqual([
      { scheme: 'bearer', params: { realm: 'https://Auth.Example/Token', service: 'Reg' } },
    ]);
  });

  it('unescapes quoted-pair characters', () => {
    expect(parseAuthChallenges('Bearer realm="https://a/t",error_description="say \\"hi\\" \\\\ bye"')[0]?.params.error_description).toBe(
      'say "hi" \\ bye',
    );
  });

  it('steps over token68 credentials of other schemes', () => {
    expect(parseAuthChallenges('Negotiate YIIC4Q==, Basic realm="r"')).toEqual([
      { scheme: 'negotiate', params: {} },
      { scheme: 'basic', params: { realm: 'r' } },
    ]);
  });

  it('survives garbage without throwing', () => {
    expect(parseAuthChallenges('')).toEqual([]);
    const schemes = parseAuthChallenges('=x, "unterminated').map((c) => c.scheme);
    expect(schemes).not.toContain('bearer');
    expect(schemes).not.toContain('basic');
    expect(() => parseAuthChallenges('Bearer realm="' + 'a'.repeat(100_000))).not.toThrow();
  });
});
