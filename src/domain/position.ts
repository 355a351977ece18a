/** Orders two ledger positions (decimal strings without leading zeros): the longer is later, else the text decides. */
export function comparePositions(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}
