/** NuGet packages.lock.json of .NET projects in the image. */
export { dotnetPackagesLockCataloger } from './cataloger.js';
export { parsePackagesLock } from './parse-packages-lock.js';
