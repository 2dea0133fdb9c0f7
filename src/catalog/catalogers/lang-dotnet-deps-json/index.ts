/** NuGet packages of .NET applications, from the <app>.deps.json the SDK publishes beside them. */
export { dotnetDepsJsonCataloger } from './cataloger.js';
export { parseDepsJson } from './parse-deps-json.js';
export { nugetPackageDraft } from './nuget-package-draft.js';
