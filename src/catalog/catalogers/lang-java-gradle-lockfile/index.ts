/** Maven artifacts pinned by Gradle dependency locking (gradle.lockfile). */
export { gradleLockfileCataloger } from './gradle-lockfile-cataloger.js';
