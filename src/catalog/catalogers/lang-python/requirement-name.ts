/**
 * The project name at the start of a PEP 508 requirement
 * ('requests[socks] (>=2.0) ; python_version < "3"' → 'requests'), or
 * undefined when the text does not start with a valid name.
 */
export function requirementName(requirement: string): string | undefined {
  const match = /^\s*([A-Za-z0-9](?:[A-Za-z0-9._-]{0,200}[A-Za-z0-9])?)/.exec(requirement);
  return match?.[1];
}
