/**
 * The role check every route gets before its handler runs: public routes
 * are open, admin may call anything, other roles only what the route lists.
 */
import type { Principal } from '../principal.js';
import type { RouteAccess } from '../route.js';

export function mayAccess(access: RouteAccess, principal: Principal | undefined): boolean {
  if (access === 'public') return true;
  if (!principal) return false;
  return principal.role === 'admin' || access.includes(principal.role);
}
