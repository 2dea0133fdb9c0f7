/**
 * zod schemas for the parts of the Engine API answers the checks read. Every
 * field is optional: older engines omit some, and a missing field must make a
 * check warn, not make the whole answer unreadable.
 */
import { z } from 'zod';

const str = z.string().optional().nullable();
const bool = z.boolean().optional().nullable();
const num = z.number().optional().nullable();

export const engineInfoSchema = z.object({
  Name: str,
  ServerVersion: str,
  Driver: str,
  DockerRootDir: str,
  LoggingDriver: str,
  CgroupDriver: str,
  LiveRestoreEnabled: bool,
  ExperimentalBuild: bool,
  SecurityOptions: z.array(z.string()).optional().nullable(),
  RegistryConfig: z
    .object({
      InsecureRegistryCIDRs: z.array(z.string()).optional().nullable(),
      IndexConfigs: z.record(z.string(), z.object({ Name: str, Secure: bool })).optional().nullable(),
    })
    .optional()
    .nullable(),
  Swarm: z
    .object({ LocalNodeState: str, ControlAvailable: bool, Managers: num, Nodes: num, NodeID: str })
    .optional()
    .nullable(),
});
export type EngineInfo = z.infer<typeof engineInfoSchema>;

export const engineVersionSchema = z.object({ Version: str, ApiVersion: str, Experimental: bool });
export type EngineVersion = z.infer<typeof engineVersionSchema>;

export const containerListSchema = z.array(z.object({ Id: z.string().regex(/^[0-9a-f]{12,64}$/), Names: z.array(z.string()).optional().nullable() }));

const portBindings = z.record(z.string(), z.array(z.object({ HostIp: str, HostPort: str })).nullable()).optional().nullable();

export const containerInspectSchema = z.object({
  Id: z.string(),
  Name: str,
  Image: str,
  AppArmorProfile: str,
  Config: z.object({ User: str, Image: str }).optional().nullable(),
  State: z
    .object({
      Status: str,
      Running: bool,
      Pid: num,
      Health: z.object({ Status: str }).optional().nullable(),
    })
    .optional()
    .nullable(),
  HostConfig: z
    .object({
      Privileged: bool,
      CapAdd: z.array(z.string()).optional().nullable(),
      CapDrop: z.array(z.string()).optional().nullable(),
      SecurityOpt: z.array(z.string()).optional().nullable(),
      NetworkMode: str,
      PidMode: str,
      IpcMode: str,
      UTSMode: str,
      UsernsMode: str,
      Memory: num,
      CpuShares: num,
      PidsLimit: num,
      ReadonlyRootfs: bool,
      RestartPolicy: z.object({ Name: str, MaximumRetryCount: num }).optional().nullable(),
      CgroupParent: str,
      Devices: z.array(z.object({ PathOnHost: str, PathInContainer: str, CgroupPermissions: str })).optional().nullable(),
      Ulimits: z.array(z.object({ Name: str, Soft: num, Hard: num })).optional().nullable(),
      PortBindings: portBindings,
    })
    .optional()
    .nullable(),
  Mounts: z
    .array(z.object({ Type: str, Source: str, Destination: str, RW: bool, Propagation: str, Mode: str }))
    .optional()
    .nullable(),
  NetworkSettings: z
    .object({
      Ports: portBindings,
      Networks: z.record(z.string(), z.unknown()).optional().nullable(),
    })
    .optional()
    .nullable(),
});
export type ContainerInspect = z.infer<typeof containerInspectSchema>;

export const imageListSchema = z.array(z.object({ Id: z.string(), RepoTags: z.array(z.string()).optional().nullable() }));

export const imageInspectSchema = z.object({
  Id: z.string(),
  RepoTags: z.array(z.string()).optional().nullable(),
  RepoDigests: z.array(z.string()).optional().nullable(),
  Os: str,
  Architecture: str,
  Created: str,
  Config: z
    .object({
      User: str,
      Env: z.array(z.string()).optional().nullable(),
      Labels: z.record(z.string(), z.string()).optional().nullable(),
      Healthcheck: z
        .object({ Test: z.array(z.string()).optional().nullable(), Interval: num, Timeout: num, Retries: num })
        .optional()
        .nullable(),
    })
    .optional()
    .nullable(),
});
export type ImageInspect = z.infer<typeof imageInspectSchema>;
