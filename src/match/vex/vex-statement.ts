/**
 * A product a statement is about: its identifiers (purl, bom-ref, @id) and,
 * where given, the subcomponents inside it that the statement narrows to.
 */
export interface VexProduct {
  readonly ids: readonly string[];
  readonly subcomponents: readonly string[];
}

/** A VEX statement as Bulkhead applies it, whichever document format it came from. */
export interface VexStatement {
  /** Vulnerability id and its aliases as the statement names them. */
  readonly vulnerabilities: readonly string[];
  readonly products: readonly VexProduct[];
  /** The document's status word: OpenVEX not_affected/fixed, CycloneDX not_affected/resolved/false_positive. */
  readonly status: string;
  /** True for statuses that mean "do not report this". */
  readonly suppresses: boolean;
  readonly justification?: string;
  readonly statement?: string;
  /** The file it came from. */
  readonly document: string;
}
