/**
 * @camunda8/sdk prints every error of a job stream with console.error, including the CANCELLED
 * that closing the stream causes on purpose — at every shutdown a stack trace, and a JSON log
 * line of its stream worker's logger ("Grpc Stream Error: 1 CANCELLED: Cancelled on client",
 * level 50). This drops exactly those two (gRPC status 1, "Cancelled on client") and passes
 * everything else on. Installed once, by the runner, when it opens its first stream.
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

const CANCELLED_LOG_MESSAGE = 'Grpc Stream Error: 1 CANCELLED: Cancelled on client';

function isCancelledOnClient(value: unknown): boolean {
  if (typeof value === 'string') return value.startsWith('{') && value.includes(CANCELLED_LOG_MESSAGE) && isCancelledLogLine(value);
  if (typeof value !== 'object' || value === null) return false;
  const { code, details } = value as { code?: unknown; details?: unknown };
  return code === 1 && details === 'Cancelled on client';
}

/** The SDK logger's line for that error: JSON whose message is exactly CANCELLED_LOG_MESSAGE. */
function isCancelledLogLine(line: string): boolean {
  try {
    const parsed = JSON.parse(line) as { message?: unknown; level?: unknown };
    return parsed.message === CANCELLED_LOG_MESSAGE && parsed.level === 50;
  } catch {
    return false;
  }
}
