/**
 * Text assembled in parts by a renderer that pauses between rows. Joining a
 * large report's million parts at once would itself hold the loop, so the
 * parts are joined a few hundred at a time as they come, and the pieces are
 * concatenated (which the engine does without copying until the text is read).
 */
export type Rendering = Generator<void, string>;

const PARTS_PER_PIECE = 256;

export class ReportText {
  private text = '';
  private parts: string[] = [];

  add(...parts: string[]): void {
    this.parts.push(...parts);
    if (this.parts.length >= PARTS_PER_PIECE) this.settle();
  }

  toString(): string {
    this.settle();
    return this.text;
  }

  private settle(): void {
    this.text += this.parts.join('');
    this.parts = [];
  }
}

/** Runs a rendering to its end without pausing: for a small text, or where the caller cannot wait. */
export function renderAtOnce(rendering: Rendering): string {
  for (;;) {
    const step = rendering.next();
    if (step.done) return step.value;
  }
}
