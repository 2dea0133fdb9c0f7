/** What the Ruby catalogers share: the gem package draft with its purl. */
export { gemPackageDraft, type GemPackageFacts } from './gem-package-draft.js';
