import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { workloadOf, WorkloadError, WORKLOAD_KINDS } from './workload-containers.js';

const review = (name: string): { request: { kind: { kind: string }; object: Record<string, unknown> } } =>
  JSON.parse(readFileSync(new URL(`./testdata/${name}`, import.meta.url), 'utf8')) as never;

function pod(spec: Record<string, unknown>, metadata: Record<string, unknown> = {}): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', ...metadata }, spec };
}

describe('workloadOf', () => {
  it('reads the pod template of every controller kind, with template labels over the object labels', () => {
    for (const name of ['deployment', 'replicaset', 'statefulset', 'daemonset', 'job', 'cronjob']) {
      const { request } = review(`${name}.json`);
      const workload = workloadOf(request.kind.kind, request.object);
      expect(workload?.containers.map((c) => [c.name, c.image.replace(/^[^/]+\//, '')])).toEqual([
        ['api', 'shop/clean:1'],
        ['sidecar', 'demo/heartbleed:1.0'],
      ]);
      expect(workload?.labels).toEqual({ app: 'shop-api', team: 'payments' });
      const prefix = name === 'cronjob' ? '/spec/jobTemplate/spec/template/spec' : '/spec/template/spec';
      expect(workload?.containers[1]?.imagePointer).toBe(`${prefix}/containers/1/image`);
    }
    expect(WORKLOAD_KINDS).toContain('ReplicationController');
  });

  it('maps the security context, container over pod, to the run request', () => {
    const workload = workloadOf(
      'Pod',
      pod(
        {
          hostPID: true,
          securityContext: { runAsUser: 1000, runAsGroup: 3000, seccompProfile: { type: 'Unconfined' } },
          containers: [
            { name: 'a', image: 'a:1', securityContext: { runAsUser: 0, privileged: true, capabilities: { add: ['NET_ADMIN'] }, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, seccompProfile: { type: 'Localhost', localhostProfile: 'profiles/a.json' } }, resources: { limits: { memory: '512Mi', cpu: '250m' } } },
            { name: 'b', image: 'b:1' },
          ],
        },
        { annotations: { 'container.apparmor.security.beta.kubernetes.io/b': 'unconfined' } },
      ),
    );
    const [a, b] = workload?.containers ?? [];
    expect(a?.deploy).toEqual({
      privileged: true,
      capAdd: ['NET_ADMIN'],
      hostNetwork: false,
      hostPID: true,
      hostIPC: false,
      mounts: [],
      readOnlyRootfs: true,
      noNewPrivileges: true,
      seccompProfile: 'localhost/profiles/a.json',
      resources: { memory: 512 * 1024 * 1024, cpus: 0.25 },
      user: '0:3000',
    });
    expect(b?.deploy).toMatchObject({ privileged: false, readOnlyRootfs: false, noNewPrivileges: false, seccompProfile: 'unconfined', apparmorProfile: 'unconfined', user: '1000:3000', resources: {} });
  });

  it('resolves volume mounts: hostPath (with subPath) is a bind mount, memory emptyDir is tmpfs', () => {
    const workload = workloadOf(
      'Pod',
      pod({
        volumes: [{ name: 'logs', hostPath: { path: '/var/log/' } }, { name: 'scratch', emptyDir: { medium: 'Memory' } }, { name: 'data', persistentVolumeClaim: { claimName: 'd' } }],
        containers: [{ name: 'c', image: 'c:1', volumeMounts: [{ name: 'logs', mountPath: '/logs', subPath: 'app', readOnly: true }, { name: 'scratch', mountPath: '/tmp' }, { name: 'data', mountPath: '/data' }] }],
      }),
    );
    expect(workload?.containers[0]?.deploy.mounts).toEqual([
      { source: '/var/log/app', target: '/logs', type: 'bind', readOnly: true },
      { source: 'scratch', target: '/tmp', type: 'tmpfs', readOnly: false },
      { source: 'data', target: '/data', type: 'volume', readOnly: false },
    ]);
  });

  it('lists init, regular and ephemeral containers in that order', () => {
    const workload = workloadOf('Pod', pod({ initContainers: [{ name: 'i', image: 'i:1' }], containers: [{ name: 'c', image: 'c:1' }], ephemeralContainers: [{ name: 'e', image: 'e:1' }] }));
    expect(workload?.containers.map((c) => [c.kind, c.name, c.imagePointer])).toEqual([
      ['initContainer', 'i', '/spec/initContainers/0/image'],
      ['container', 'c', '/spec/containers/0/image'],
      ['ephemeralContainer', 'e', '/spec/ephemeralContainers/0/image'],
    ]);
  });

  it('has nothing to say about kinds without a pod template, and refuses malformed pod specs', () => {
    expect(workloadOf('ConfigMap', { data: {} })).toBeUndefined();
    expect(() => workloadOf('Pod', pod({ containers: 'web' }))).toThrow(WorkloadError);
    expect(() => workloadOf('Deployment', { spec: {} })).toThrow(/Deployment spec\.template\.spec/);
    expect(() => workloadOf('Pod', pod({ containers: [{ name: 'c' }] }))).toThrow(/names no image/);
  });
});
