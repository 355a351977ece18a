/**
 * Shares the event loop among every feed connection. A feed calls `pace()`
 * between units of work (a subject evaluated, an event sent); once the feeds
 * together have computed for `sliceMs` since the last turn, each waits in
 * one queue, and one is let go per turn of the loop (setImmediate), so
 * requests and timers run between slices however many feeds are busy.
 */
export const DEFAULT_SLICE_MS = 4;

const waiting: (() => void)[] = [];
let turnScheduled = false;
let sliceStart = performance.now();
let lastCall = sliceStart;

function nextTurn(): void {
  turnScheduled = false;
  const next = waiting.shift();
  sliceStart = performance.now();
  next?.();
  if (waiting.length) schedule();
}

function schedule(): void {
  if (turnScheduled) return;
  turnScheduled = true;
  setImmediate(nextTurn);
}

/** Resolves at once while the current slice lasts; otherwise at this feed's turn. */
export function pace(sliceMs = DEFAULT_SLICE_MS): Promise<void> | undefined {
  const now = performance.now();
  // No feed asked for a while: the loop has been free since, and a new slice begins.
  if (!waiting.length && now - lastCall > sliceMs) sliceStart = now;
  lastCall = now;
  if (now - sliceStart < sliceMs) return undefined;
  return new Promise<void>((resolve) => {
    waiting.push(resolve);
    schedule();
  });
}

/** Runs a computation that pauses (a generator yielding between units of work) to its end, in paced slices. */
export async function finishPaced<T>(steps: Generator<void, T>, sliceMs = DEFAULT_SLICE_MS): Promise<T> {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    await pace(sliceMs);
  }
}
