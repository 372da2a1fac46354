/**
 * Polls `read` until `done` holds for what it returned, and resolves with that; rejects after
 * `timeoutMs`, saying what it waited for and what it saw last. For what the service does a
 * moment later (KPI rows, enrolment states, routed events).
 */
export async function until<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Polls `condition` until it holds; rejects after `timeoutMs`, naming `what`. */
export async function eventually(what: string, condition: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  await until(what, condition, (held) => held, timeoutMs);
}
