// The manifests in deploy/kubernetes and the Helm chart in deploy/helm,
// checked against the server they deploy (no cluster or kubectl here): every
// document parses as YAML with a known kind and apiVersion, and the webhook
// paths, ports, flags, probes, config file and namespace exclusions agree
// with the code.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { Command } from 'commander';
import { parse, parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { registerAdmissionCommand } from '../../cli/admission.js';
import { admissionConfigSchema } from './admission-config.js';
import { DEFAULT_ADMISSION_PORT, MUTATE_PATH, VALIDATE_PATH } from './admission-server.js';
import { WORKLOAD_KINDS } from './workload-containers.js';

const ROOT = new URL('../../../', import.meta.url).pathname;
const MANIFESTS = path.join(ROOT, 'deploy/kubernetes');
const CHART = path.join(ROOT, 'deploy/helm/bulkhead-admission');

const API_VERSIONS: Readonly<Record<string, string>> = {
  Namespace: 'v1',
  ServiceAccount: 'v1',
  ConfigMap: 'v1',
  Service: 'v1',
  Secret: 'v1',
  Role: 'rbac.authorization.k8s.io/v1',
  RoleBinding: 'rbac.authorization.k8s.io/v1',
  Deployment: 'apps/v1',
  PodDisruptionBudget: 'policy/v1',
  ValidatingWebhookConfiguration: 'admissionregistration.k8s.io/v1',
  MutatingWebhookConfiguration: 'admissionregistration.k8s.io/v1',
  Kustomization: 'kustomize.config.k8s.io/v1beta1',
  Issuer: 'cert-manager.io/v1',
  Certificate: 'cert-manager.io/v1',
};

/** Where the API server finds each kind the webhook reads (group, resource). */
const RESOURCES: Readonly<Record<string, readonly [string, string]>> = {
  Pod: ['', 'pods'],
  ReplicationController: ['', 'replicationcontrollers'],
  Deployment: ['apps', 'deployments'],
  ReplicaSet: ['apps', 'replicasets'],
  StatefulSet: ['apps', 'statefulsets'],
  DaemonSet: ['apps', 'daemonsets'],
  Job: ['batch', 'jobs'],
  CronJob: ['batch', 'cronjobs'],
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- manifests are walked by path
type Doc = Record<string, any>;

async function manifests(): Promise<{ file: string; doc: Doc }[]> {
  const out: { file: string; doc: Doc }[] = [];
  for (const file of (await readdir(MANIFESTS)).filter((f) => f.endsWith('.yaml')).sort()) {
    for (const d of parseAllDocuments(await readFile(path.join(MANIFESTS, file), 'utf8'))) {
      expect(d.errors, `${file}: ${d.errors.map((e) => e.message).join('; ')}`).toEqual([]);
      out.push({ file, doc: d.toJSON() as Doc });
    }
  }
  return out;
}

function one(docs: { doc: Doc }[], kind: string): Doc {
  const found = docs.filter((d) => d.doc.kind === kind);
  expect(found, kind).toHaveLength(1);
  return found[0]!.doc;
}

function flagsOf(args: readonly string[]): Map<string, string | true> {
  return new Map(args.filter((a) => a.startsWith('--')).map((a) => {
    const [name, ...value] = a.slice(2).split('=');
    return [name as string, value.length > 0 ? value.join('=') : true] as const;
  }));
}

function commandOptions(): Set<string> {
  const program = new Command();
  registerAdmissionCommand(program);
  const command = program.commands.find((c) => c.name() === 'admission');
  return new Set(command?.options.map((o) => o.long?.slice(2) ?? '') ?? []);
}

function checkWebhookRules(webhook: Doc): void {
  expect(webhook.admissionReviewVersions).toContain('v1');
  expect(webhook.sideEffects).toBe('None');
  for (const kind of WORKLOAD_KINDS) {
    const [group, resource] = RESOURCES[kind]!;
    const rule = (webhook.rules as Doc[]).find((r) => r.apiGroups.includes(group) && r.resources.includes(resource));
    expect(rule, `a rule for ${kind}`).toBeDefined();
    expect(rule!.operations).toEqual(['CREATE', 'UPDATE']);
  }
  expect((webhook.rules as Doc[]).some((r) => r.resources.includes('pods/ephemeralcontainers'))).toBe(true);
}

describe('deploy/kubernetes', () => {
  it('holds only YAML documents of known kinds and apiVersions, namespaced in bulkhead', async () => {
    const docs = await manifests();
    expect(docs.length).toBeGreaterThanOrEqual(11);
    for (const { file, doc } of docs) {
      expect(API_VERSIONS[doc.kind], `${file}: kind ${doc.kind}`).toBe(doc.apiVersion);
      if (!['Namespace', 'ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration', 'Kustomization'].includes(doc.kind)) expect(doc.metadata.namespace, `${file} ${doc.kind}`).toBe('bulkhead');
    }
    const kustomization = one(docs, 'Kustomization');
    const files = new Set(docs.map((d) => d.file));
    for (const r of kustomization.resources as string[]) expect(files.has(r), r).toBe(true);
  });

  it('runs the server with flags it has, on the port the Service and probes use', async () => {
    const docs = await manifests();
    const deployment = one(docs, 'Deployment');
    expect(deployment.spec.replicas).toBe(2);
    const pod = deployment.spec.template.spec;
    const container = pod.containers[0];
    expect(container.args[0]).toBe('admission');
    const flags = flagsOf(container.args);
    const known = commandOptions();
    for (const name of flags.keys()) expect(known.has(name), `--${name}`).toBe(true);
    expect(Number(flags.get('port'))).toBe(DEFAULT_ADMISSION_PORT);
    expect(container.ports).toEqual([{ name: 'https', containerPort: DEFAULT_ADMISSION_PORT, protocol: 'TCP' }]);
    expect(container.readinessProbe.httpGet).toMatchObject({ scheme: 'HTTPS', path: '/readyz', port: 'https' });
    expect(container.livenessProbe.httpGet).toMatchObject({ scheme: 'HTTPS', path: '/healthz', port: 'https' });
    expect(container.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, runAsNonRoot: true, capabilities: { drop: ['ALL'] } });
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(container.resources.limits).toBeDefined();
    // Every file flag points into a mounted volume of the right source.
    const mountOf = (file: string): Doc => {
      const m = (container.volumeMounts as Doc[]).find((v) => file.startsWith(`${v.mountPath}/`) || file === v.mountPath);
      expect(m, file).toBeDefined();
      return (pod.volumes as Doc[]).find((v) => v.name === m!.name)!;
    };
    expect(mountOf(flags.get('tls-cert') as string).secret.secretName).toBe('bulkhead-admission-tls');
    expect(mountOf(flags.get('tls-key') as string).secret.secretName).toBe('bulkhead-admission-tls');
    expect(mountOf(flags.get('token-file') as string).secret.secretName).toBe('bulkhead-admission-token');
    expect(mountOf(flags.get('cache-dir') as string).emptyDir).toBeDefined();
    const configVolume = mountOf(flags.get('config') as string);
    expect(configVolume.configMap.name).toBe(one(docs, 'ConfigMap').metadata.name);

    const service = one(docs, 'Service');
    expect(service.spec.selector).toEqual(deployment.spec.selector.matchLabels);
    expect(service.spec.ports[0]).toMatchObject({ port: 443, targetPort: 'https' });
    const pdb = one(docs, 'PodDisruptionBudget');
    expect(pdb.spec.selector).toEqual(deployment.spec.selector);
    expect(pdb.spec.minAvailable).toBeLessThan(deployment.spec.replicas);
    expect(deployment.spec.template.metadata.labels).toMatchObject(deployment.spec.selector.matchLabels);
    expect(one(docs, 'ServiceAccount').metadata.name).toBe(pod.serviceAccountName);
  });

  it('ships a config file the server accepts, with a budget under the webhook timeout', async () => {
    const docs = await manifests();
    const config = admissionConfigSchema.parse(parse(one(docs, 'ConfigMap').data['config.yaml'] as string));
    expect(config.excludedNamespaces).toEqual(expect.arrayContaining(['kube-system', 'bulkhead']));
    for (const kind of ['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration']) {
      const webhook = one(docs, kind).webhooks[0];
      expect(config.budgetMs).toBeLessThan(webhook.timeoutSeconds * 1000);
    }
  });

  it('points the webhook configurations at the server paths, excluding kube-system and the webhook namespace', async () => {
    const docs = await manifests();
    const service = one(docs, 'Service');
    const deployment = one(docs, 'Deployment');
    for (const [kind, route] of [['ValidatingWebhookConfiguration', VALIDATE_PATH], ['MutatingWebhookConfiguration', MUTATE_PATH]] as const) {
      const config = one(docs, kind);
      expect(config.webhooks).toHaveLength(1);
      const webhook = config.webhooks[0];
      expect(webhook.name.split('.').length).toBeGreaterThanOrEqual(3);
      expect(webhook.clientConfig.service).toEqual({ name: service.metadata.name, namespace: service.metadata.namespace, path: route, port: service.spec.ports[0].port });
      expect(webhook.clientConfig.caBundle).toBe('${CA_BUNDLE}');
      expect(['Fail', 'Ignore']).toContain(webhook.failurePolicy);
      expect(webhook.timeoutSeconds).toBeLessThanOrEqual(30);
      expect(webhook.namespaceSelector.matchExpressions).toContainEqual({ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['kube-system', 'bulkhead'] });
      checkWebhookRules(webhook);
    }
    expect(deployment.spec.template.spec.containers[0].args).toContain('--mutate');
  });
});

describe('deploy/helm/bulkhead-admission', () => {
  it('has a chart, values the server accepts, and templates that name only values that exist', async () => {
    const chart = parse(await readFile(path.join(CHART, 'Chart.yaml'), 'utf8')) as Doc;
    expect(chart).toMatchObject({ apiVersion: 'v2', name: 'bulkhead-admission', type: 'application' });
    const values = parse(await readFile(path.join(CHART, 'values.yaml'), 'utf8')) as Doc;
    admissionConfigSchema.parse({ ...values.config, excludedNamespaces: values.webhook.excludedNamespaces });
    expect(values.config.budgetMs).toBeLessThan(values.webhook.timeoutSeconds * 1000);
    const templates = await readdir(path.join(CHART, 'templates'));
    const known = commandOptions();
    for (const file of templates) {
      const text = await readFile(path.join(CHART, 'templates', file), 'utf8');
      for (const m of text.matchAll(/\.Values((?:\.[A-Za-z0-9_]+)+)/g)) {
        let at: unknown = values;
        for (const key of (m[1] as string).slice(1).split('.')) at = (at as Doc | undefined)?.[key];
        expect(at, `${file}: .Values${m[1]}`).not.toBeUndefined();
      }
      for (const m of text.matchAll(/^\s*- --([a-z-]+)/gm)) expect(known.has(m[1] as string), `${file}: --${m[1]}`).toBe(true);
    }
    const webhooks = await readFile(path.join(CHART, 'templates/webhooks.yaml'), 'utf8');
    expect(webhooks).toContain(`{{ if eq . "mutating" }}${MUTATE_PATH}{{ else }}${VALIDATE_PATH}{{ end }}`);
    expect(webhooks).toContain('cert-manager.io/inject-ca-from');
    const deployment = await readFile(path.join(CHART, 'templates/deployment.yaml'), 'utf8');
    expect(deployment).toContain(`--port=${DEFAULT_ADMISSION_PORT}`);
    expect(deployment).toContain(`containerPort: ${DEFAULT_ADMISSION_PORT}`);
  });
});
