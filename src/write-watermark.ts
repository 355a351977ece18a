/** The newest position this process has appended: what its next query must see (read-your-writes). */
export class WriteWatermark {
  position = 0n;

  advance(position: bigint): void {
    if (position > this.position) this.position = position;
  }
}
