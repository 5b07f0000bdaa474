import type { Counts } from "./counts.js";

/**
 * The matrix's claims, checked against a case's counts; each broken one is named. Duplicates are
 * held against a transport only where it claims deduplication.
 */
export function assertCounts(counts: Counts, claims: { claimsDedup: boolean }): string[] {
  const failures: string[] = [];
  if (counts.sent !== counts.acked + counts.failed)
    failures.push(`sent ${counts.sent} != acked ${counts.acked} + failed ${counts.failed}`);
  if (counts.ackedButLost > 0) failures.push(`${counts.ackedButLost} acked but lost`);
  if (counts.storedButFailedNotUnknown > 0)
    failures.push(`${counts.storedButFailedNotUnknown} stored but reported failed as not unknown-outcome`);
  if (claims.claimsDedup && counts.duplicated > 0)
    failures.push(`${counts.duplicated} duplicated (${counts.extraCopies} extra copies)`);
  if (counts.keysOutOfOrder > 0) failures.push(`${counts.keysOutOfOrder} keys out of order`);
  if (counts.lateOrUnsettled > 0)
    failures.push(`${counts.lateOrUnsettled} settled after the deadline or never`);
  return failures;
}
