import { describe, expect, it } from 'vitest';
import { parseDockerdArgs } from './dockerd-args.js';

describe('dockerd command line', () => {
  it('reads --flag=value, --flag value, short aliases, repeated flags and boolean flags', () => {
    const { values } = parseDockerdArgs([
      '-H', 'fd://', '--host=tcp://127.0.0.1:2376', '--containerd=/run/containerd/containerd.sock',
      '--icc=false', '--live-restore', '--tlsverify', '--tlscacert', '/etc/docker/ca.pem', '-l', 'debug',
      '--insecure-registry', 'a:5000', '--insecure-registry=b:5000', '--graph', '/srv/docker', '-D',
    ]);
    expect(values.get('host')).toEqual(['fd://', 'tcp://127.0.0.1:2376']);
    expect(values.get('icc')).toEqual(['false']);
    expect(values.get('live-restore')).toEqual(['true']);
    expect(values.get('tlsverify')).toEqual(['true']);
    expect(values.get('tlscacert')).toEqual(['/etc/docker/ca.pem']);
    expect(values.get('log-level')).toEqual(['debug']);
    expect(values.get('insecure-registry')).toEqual(['a:5000', 'b:5000']);
    expect(values.get('data-root')).toEqual(['/srv/docker']);
    expect(values.get('debug')).toEqual(['true']);
  });

  it('does not take the next argument as the value of a boolean flag', () => {
    const { values } = parseDockerdArgs(['--userland-proxy', '--log-level', 'info']);
    expect(values.get('userland-proxy')).toEqual(['true']);
    expect(values.get('log-level')).toEqual(['info']);
  });
});
