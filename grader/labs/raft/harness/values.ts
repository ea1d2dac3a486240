// How the tester reads and shows the values peers return to it.

/** Whether value is an array of exactly these typeof types (a tuple the tester expects back). */
export function isTuple(value: unknown, types: string[]): boolean {
  return Array.isArray(value) && value.length === types.length && value.every((v, k) => typeof v === types[k]);
}

/** A value in a message, cut short. */
export function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
