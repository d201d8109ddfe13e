/**
 * User Timing marks for the builder (seen in a Chromium trace and read by the bench):
 * `builder:<what>` measures around the costly steps of the first paint.
 */
export function timed<T>(name: string, fn: () => T): T {
  if (typeof performance === "undefined" || !performance.measure) return fn();
  const start = performance.now();
  try {
    return fn();
  } finally {
    performance.measure(`builder:${name}`, { start, end: performance.now() });
  }
}

export function mark(name: string): void {
  if (typeof performance !== "undefined" && performance.mark) performance.mark(`builder:${name}`);
}
