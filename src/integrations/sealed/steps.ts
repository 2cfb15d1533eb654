/**
 * Running long synchronous work written as a generator that yields between steps: at
 * once (`finishNow`), or in slices that leave the event loop free between them
 * (`finishInSlices`), so that work waiting on another process (Pagefind indexing in its
 * own process) keeps being answered while this runs.
 */

/** Steps that yield nothing between them and return a `T` at the end. */
export type Steps<T> = Generator<void, T, void>;

/** Runs every step now and returns the result. */
export function finishNow<T>(steps: Steps<T>): T {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** Runs the steps in slices of about `sliceMs` milliseconds, letting the event loop run between slices. */
export async function finishInSlices<T>(steps: Steps<T>, sliceMs = 10): Promise<T> {
  let sliceEnds = performance.now() + sliceMs;
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    if (performance.now() >= sliceEnds) {
      await new Promise((resolve) => setImmediate(resolve));
      sliceEnds = performance.now() + sliceMs;
    }
  }
}
