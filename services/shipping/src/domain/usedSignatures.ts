/**
 * The carrier signatures the webhook has accepted, each remembered until it would be stale anyway
 * (`usableUntil`), so that a captured callback cannot be replayed inside the replay window.
 */
export interface UsedSignatures {
  /**
   * Marks a signature used, atomically: `claimed` for the first request that presents it, `replayed` for any
   * other. `requestId` identifies the request claiming it, so that a claim whose reply was lost, and which the
   * SDK's retry then finds already made, is still recognised as this request's own.
   */
  claim(signature: string, claim: { usableUntil: number; requestId: string; now: Date }): Promise<'claimed' | 'replayed'>;
}
