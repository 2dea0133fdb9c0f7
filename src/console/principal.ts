/**
 * Who is asking: a user (session cookie or basic login), an API token, or
 * nobody. Roles are fixed; collections narrow what a non-global role sees.
 */
export const ROLES = ['admin', 'secops', 'auditor', 'developer', 'ci', 'defender'] as const;
export type Role = (typeof ROLES)[number];

/** Glob patterns (as policy/glob compiles them) a collection admits. */
export interface CollectionPatterns {
  /** Repository names with registry: 'registry.example.com/team-a/*'. */
  readonly images?: readonly string[];
  readonly registries?: readonly string[];
  readonly namespaces?: readonly string[];
  readonly hosts?: readonly string[];
}

export interface Principal {
  readonly kind: 'user' | 'token';
  readonly id: string;
  readonly name: string;
  readonly role: Role;
  /** null = sees everything; otherwise the union of these collections' patterns. */
  readonly scope: CollectionPatterns | null;
  /** Present for session-authenticated requests: mutating requests must echo it. */
  readonly csrfToken?: string;
}

/** The actor string the audit log records for a principal. */
export function actorOf(principal: Principal | undefined): string {
  return principal ? `${principal.kind}:${principal.name}` : 'anonymous';
}
