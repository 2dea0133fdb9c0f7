/**
 * k8s-admission: Bulkhead's Kubernetes admission webhook (`bulkhead
 * admission`). An HTTPS server that answers admission.k8s.io/v1
 * AdmissionReviews for Pods and workload controllers with the one policy
 * engine's decision per container — image verdicts from the console
 * (connected) or from on-the-spot scans (standalone), run settings from the
 * pod spec — and, in mutating mode, pins image tags to the digests judged.
 */
export { startAdmissionServer, VALIDATE_PATH, MUTATE_PATH, DEFAULT_ADMISSION_PORT, MAX_REVIEW_BYTES, type AdmissionServer, type AdmissionServerOptions, type AdmissionLogger } from './admission-server.js';
export { admit, type AdmitContext, type AdmissionRecord } from './admit.js';
export { admissionConfigSchema, loadAdmissionConfig, DEFAULT_ADMISSION_CONFIG, type AdmissionConfig } from './admission-config.js';
export { createImageResolver, type ImageResolver } from './image-resolver.js';
export { createStandaloneAssessor } from './standalone-assessor.js';
export { createConnectedAssessor, type ConnectedAssessor } from './connected-assessor.js';
export { createConsoleClient, type ConsoleClient } from './console-client.js';
export { createFilePolicyProvider, createConsolePolicyProvider, type PolicyProvider } from './policy-provider.js';
export type { ImageAssessor, ImageAssessment } from './image-assessor.js';
export { createDecisionReporter, type DecisionReporter } from './decision-reporter.js';
