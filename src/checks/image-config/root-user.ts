/** Whether a container runs as root, from the image config (CIS 4.1). */
import { configFinding, NO_PARAMS, type ImageConfigCheck } from './image-config-check.js';

/** `USER` is root when empty (the default), 'root' or uid 0, with or without a group. */
export function isRootUser(user: string | undefined): boolean {
  const name = (user ?? '').split(':')[0]?.trim() ?? '';
  return name === '' || name === 'root' || /^0+$/.test(name);
}

export const nonRootUser = {
  id: 'image-user-not-root',
  title: 'Container runs as root',
  cis: '4.1',
  severity: 'high',
  remediation: 'Add a USER instruction with a non-root user (e.g. USER 10001) after installing packages.',
  params: NO_PARAMS,
  run({ image }) {
    if (!isRootUser(image.config.user)) return [];
    const detail = image.config.user ? `USER is ${image.config.user}` : 'no USER set (defaults to root)';
    return [configFinding(this, detail, { field: 'config.User' })];
  },
} satisfies ImageConfigCheck<typeof NO_PARAMS>;
