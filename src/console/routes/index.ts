/**
 * Every console route, by area. An area adds its file here.
 */
import type { ConsoleRoute } from '../route.js';
import { auditRoutes } from './audit.js';
import { authRoutes } from './auth.js';
import { collectionRoutes } from './collections.js';
import { healthRoutes } from './health.js';
import { jobRoutes } from './jobs.js';
import { registryRoutes } from './registries.js';
import { tokenRoutes } from './tokens.js';
import { userRoutes } from './users.js';
import { policyRoutes } from './policies.js';
import { exceptionRoutes } from './exceptions.js';
import { advisoryRoutes } from './advisories.js';
import { vulnerabilityRoutes } from './vulnerabilities.js';
import { healthProblemRoutes } from './health-problems.js';
import { scanRoutes } from './scans.js';
import { imageRoutes } from './images.js';
import { fleetRoutes } from './fleet.js';
import { enforcementRoutes } from './enforcement.js';
import { alertRoutes } from './alerts.js';
import { complianceRoutes } from './compliance.js';

export const ROUTES: readonly ConsoleRoute[] = [
  ...healthRoutes,
  ...authRoutes,
  ...userRoutes,
  ...tokenRoutes,
  ...collectionRoutes,
  ...jobRoutes,
  ...registryRoutes,
  ...policyRoutes,
  ...exceptionRoutes,
  ...auditRoutes,
  ...advisoryRoutes,
  ...vulnerabilityRoutes,
  ...healthProblemRoutes,
  ...scanRoutes,
  ...imageRoutes,
  ...fleetRoutes,
  ...enforcementRoutes,
  ...alertRoutes,
  ...complianceRoutes,
];
