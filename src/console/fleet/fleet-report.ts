/**
 * What enforcement points report about where containers run: a Docker host
 * (HostReport of domain/enforcement.ts) or a Kubernetes cluster, each with
 * the containers it runs now. Validated with zod at the boundary: reports
 * come from every host of a fleet, and one bad or hostile host must not be
 * able to write more than a bounded, well-formed report.
 */
import { z } from 'zod';
import type { HostReport, ReportedContainer } from '../../domain/enforcement.js';

export const MAX_REPORTED_CONTAINERS = 10_000;

const name = z.string().min(1).max(255);
const shortText = z.string().max(1024);
const labels = z.record(z.string().max(256), z.string().max(4096)).refine((r) => Object.keys(r).length <= 1000, 'at most 1000 labels');
const info = z.record(z.string().max(256), z.unknown()).refine((r) => JSON.stringify(r).length <= 64 * 1024, 'info is limited to 64 KiB of JSON');

export const fleetIdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, 'ids are 1-128 letters, digits, ".", "_", ":" or "-"');

export const reportedContainerSchema = z.strictObject({
  id: z.string().min(1).max(256),
  name: z.string().max(512),
  imageReference: shortText,
  imageDigest: z.string().regex(/^sha(256|384|512):[a-f0-9]{64,128}$/, 'a sha256:… digest').optional(),
  state: z.string().min(1).max(32),
  startedAt: z.iso.datetime({ offset: true }).optional(),
  namespace: z.string().min(1).max(253).optional(),
});

export const hostReportSchema = z.strictObject({
  name,
  environment: z.string().min(1).max(64).optional(),
  labels: labels.optional(),
  info: info.optional(),
  containers: z.array(reportedContainerSchema).max(MAX_REPORTED_CONTAINERS),
});

/** A cluster reports like a host; its containers carry their namespace. */
export interface ClusterReport {
  readonly name: string;
  readonly environment?: string;
  readonly info?: Readonly<Record<string, unknown>>;
  readonly containers: readonly ReportedContainer[];
}

export const clusterReportSchema = z.strictObject({
  name,
  environment: z.string().min(1).max(64).optional(),
  info: info.optional(),
  containers: z.array(reportedContainerSchema).max(MAX_REPORTED_CONTAINERS),
});

// Compile-time guards: what the schemas accept are the wire types.
const _host = (value: z.infer<typeof hostReportSchema>): HostReport => value;
const _cluster = (value: z.infer<typeof clusterReportSchema>): ClusterReport => value;
void _host;
void _cluster;
