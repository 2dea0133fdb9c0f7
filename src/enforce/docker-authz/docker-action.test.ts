import { describe, expect, it } from 'vitest';
import { parseDockerAction } from './docker-action.js';

// URIs in the forms the Engine API documents; test/integration/defender.test.ts drives the real CLI through them.
describe('parseDockerAction', () => {
  it.each([
    ['POST', '/v1.41/containers/create', 'container.create', undefined],
    ['POST', '/v1.41/containers/create?name=web', 'container.create', 'web'],
    ['POST', '/v1.41/containers/3f2a/start', 'container.start', '3f2a'],
    ['POST', '/v1.41/containers/3f2a/update', 'container.update', '3f2a'],
    ['POST', '/v1.41/containers/web/exec', 'exec.create', 'web'],
    ['POST', '/v1.41/exec/9c1d/start', 'exec.start', '9c1d'],
    ['POST', '/v1.41/exec/9c1d/resize?h=40&w=120', 'exec.resize', '9c1d'],
    ['POST', '/v1.41/images/create?fromImage=docker.io%2Flibrary%2Fdebian&tag=12', 'image.pull', 'docker.io/library/debian:12'],
    ['POST', '/v1.41/images/create?fromSrc=-&repo=tiny&tag=1', 'image.import', 'tiny'],
    ['POST', '/v1.41/images/load?quiet=1', 'image.load', undefined],
    ['POST', '/v1.41/build?t=app', 'image.build', undefined],
    ['POST', '/v1.41/images/ghcr.io/acme/app/push?tag=1', 'image.push', 'ghcr.io/acme/app'],
    ['DELETE', '/v1.41/images/debian:12', 'image.remove', 'debian:12'],
    ['POST', '/v1.41/plugins/pull?remote=vieux/sshfs&name=sshfs', 'plugin.install', 'vieux/sshfs'],
    ['DELETE', '/v1.41/containers/web?force=1', 'container.remove', 'web'],
    ['POST', '/v1.41/containers/web/attach?stream=1&stdout=1', 'container.attach', 'web'],
    ['GET', '/v1.41/containers/json', 'read', 'json'],
    ['GET', '/_ping', 'ping', undefined],
    ['HEAD', '/_ping', 'ping', undefined],
    ['GET', '/v1.41/events?filters=%7B%7D', 'events', undefined],
    ['GET', '/v1.41/images/get?names=debian', 'image.save', 'debian'],
    ['POST', '/containers/create', 'container.create', undefined],
  ])('%s %s → %s', (method, uri, name, target) => {
    const a = parseDockerAction(method, uri);
    expect(a.name).toBe(name);
    expect(a.target).toBe(target);
  });

  it('keeps the API version and strips it from the path', () => {
    const a = parseDockerAction('POST', '/v1.24/containers/x/start');
    expect(a).toMatchObject({ apiVersion: '1.24', path: '/containers/x/start' });
  });

  it('calls unknown versions, endpoints and non-paths unknown, with a reason', () => {
    expect(parseDockerAction('POST', '/v2.0/containers/create')).toMatchObject({ name: 'unknown', reason: 'unsupported Engine API version 2.0' });
    expect(parseDockerAction('POST', '/vX/containers/create').name).toBe('unknown');
    expect(parseDockerAction('POST', '/v1.41/teleport/now').reason).toMatch(/^unknown endpoint POST \/teleport\/now/);
    expect(parseDockerAction('POST', 'http://evil/containers/create').name).toBe('unknown');
    expect(parseDockerAction('POST', '/v1.41/images/create').name).toBe('unknown');
    expect(parseDockerAction('POST', `/${'a'.repeat(70_000)}`).reason).toMatch(/longer than/);
  });

  it('never throws on malformed escapes', () => {
    expect(parseDockerAction('POST', '/v1.41/containers/%E0%A4%A/start')).toMatchObject({ name: 'container.start', target: '%E0%A4%A' });
  });
});
