/**
 * What the Python catalogers share: PEP 503 name normalization (also used by
 * matchers to look names up) and the pypi package draft with its purl.
 */
export { normalizePypiName } from './normalize-pypi-name.js';
export { pypiPackageDraft, type PypiPackageFacts } from './pypi-package-draft.js';
export { requirementName } from './requirement-name.js';
