import { describe, expect, it } from 'vitest';
import { parseCreateRequest } from './create-request.js';

describe('parseCreateRequest', () => {
  it('normalizes the HostConfig of `docker run --privileged -v /var/run/docker.sock:/var/run/docker.sock:ro …`', () => {
    const r = parseCreateRequest({
      Image: 'debian:12',
      User: '1000:1000',
      Labels: { env: 'prod' },
      HostConfig: {
        Privileged: true,
        CapAdd: ['NET_ADMIN'],
        NetworkMode: 'host',
        PidMode: 'host',
        IpcMode: 'private',
        Binds: ['/var/run/docker.sock:/var/run/docker.sock:ro', 'data:/data'],
        Mounts: [{ Type: 'tmpfs', Target: '/tmp' }],
        ReadonlyRootfs: true,
        SecurityOpt: ['no-new-privileges', 'seccomp=unconfined', 'apparmor:docker-default'],
        Memory: 268435456,
        NanoCpus: 1500000000,
        PidsLimit: 100,
      },
    });
    expect(r.image).toBe('debian:12');
    expect(r.labels).toEqual({ env: 'prod' });
    expect(r.deploy).toEqual({
      privileged: true,
      capAdd: ['NET_ADMIN'],
      hostNetwork: true,
      hostPID: true,
      hostIPC: false,
      mounts: [
        { source: '/var/run/docker.sock', target: '/var/run/docker.sock', type: 'bind', readOnly: true },
        { source: 'data', target: '/data', type: 'volume', readOnly: false },
        { source: '', target: '/tmp', type: 'tmpfs', readOnly: false },
      ],
      readOnlyRootfs: true,
      noNewPrivileges: true,
      seccompProfile: 'unconfined',
      apparmorProfile: 'docker-default',
      resources: { memory: 268435456, cpus: 1.5, pids: 100 },
      user: '1000:1000',
    });
  });

  it('reads a minimal body as an unprivileged request with no limits', () => {
    expect(parseCreateRequest({ Image: 'x', HostConfig: null }).deploy).toEqual({ privileged: false, capAdd: [], hostNetwork: false, hostPID: false, hostIPC: false, mounts: [], readOnlyRootfs: false, noNewPrivileges: false, resources: {} });
  });

  it('tolerates wrongly typed fields and rejects a body without an image', () => {
    expect(parseCreateRequest({ Image: 'x', HostConfig: { Privileged: 'yes', Binds: 7, PidsLimit: -1 } }).deploy.privileged).toBe(false);
    expect(() => parseCreateRequest({ HostConfig: {} })).toThrow();
    expect(() => parseCreateRequest('not an object')).toThrow();
  });
});
