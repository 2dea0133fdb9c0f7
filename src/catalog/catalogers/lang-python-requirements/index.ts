/** Pinned pip requirements files of Python projects in the image. */
export { pythonRequirementsCataloger, isRequirementsFile } from './cataloger.js';
export { tokenizeRequirements, type PinnedRequirement, type RequirementsFile } from './tokenize-requirements.js';
