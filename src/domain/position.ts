/**
 * A place in the ledger's log: global, strictly increasing in record order.
 * The domain, the projections and the store port all hold it as a bigint
 * (exact and comparable at any size); answers give it as decimal text, the
 * one conversion made where an answer is built (`positionText`). The read
 * model's record clock alone keeps positions as numbers, for memory (see
 * LedgerReadModel.firstPositions).
 */
export type Position = bigint;

export function comparePositions(a: Position, b: Position): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A position as answers give it: decimal text. */
export const positionText = (position: Position): string => position.toString();

/** A position given as decimal text (an answer's, a query's), read back. */
export const positionOf = (text: string): Position => BigInt(text);
