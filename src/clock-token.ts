/**
 * The injection token for the ledger's clock (a `LedgerClock`). It lives on its own so that every capability can
 * inject the clock without importing another capability's controller.
 */
export const CLOCK = Symbol('Clock');
