// Answers of the mirror that do not validate against the official document yet, each an
// operation and status with the reason. A ratchet: the test fails when a listed answer
// validates (remove it from this list) and when an unlisted one does not.
//
// Empty: every in-scope operation validates, as is or with errata (errata.ts). A new
// difference is listed here only while it is being settled: either the mirror should answer
// otherwise (fix it) or the document is wrong (an erratum, with how we know).

export interface KnownDifference {
  /** `GET /1/accounts`, as the document spells the operation. */
  operation: string;
  status: string;
  reason: string;
}

export const KNOWN_DIFFERENCES: KnownDifference[] = [];
