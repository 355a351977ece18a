/**
 * The text of a feed message, worked out once for every client it is sent
 * to. Feeds share what they send (an event read once, a transition evaluated
 * once: projections/shared-outcomes.ts); a message of a large restricted set
 * runs to kilobytes, and serialising it again for each client was much of a
 * busy server's work and garbage.
 */
const texts = new WeakMap<object, string>();

/** JSON.stringify of a value never changed once sent. */
export function sharedJson(value: object): string {
  let text = texts.get(value);
  if (text === undefined) {
    text = JSON.stringify(value);
    texts.set(value, text);
  }
  return text;
}
