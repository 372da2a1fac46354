/**
 * @camunda8/sdk prints every error of a job stream with console.error, including the CANCELLED
 * that closing the stream causes on purpose — a stack trace at every shutdown. This drops
 * exactly that error (gRPC status 1, "Cancelled on client") and passes everything else on.
 * Installed once, by the runner, when it opens its first stream.
 */
let installed = false;

export function muteCancelledStreamErrors(): void {
  if (installed) return;
  installed = true;
  const original = console.error.bind(console);
  console.error = (...args: unknown[]) => {
    if (isCancelledOnClient(args[0])) return;
    original(...args);
  };
}

function isCancelledOnClient(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const { code, details } = value as { code?: unknown; details?: unknown };
  return code === 1 && details === 'Cancelled on client';
}
