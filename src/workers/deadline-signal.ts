import { JobDeadlineExceededError } from './job-errors';

/** setTimeout fires at once beyond this delay, so longer deadlines are not armed at all. */
const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

/** An AbortSignal that aborts when `deadline` (epoch ms) passes; dispose it when the job ends. */
export interface DeadlineSignal {
  readonly signal: AbortSignal;
  dispose(): void;
}

export function deadlineSignal(deadline: number, now: () => number = Date.now): DeadlineSignal {
  const controller = new AbortController();
  const remaining = deadline - now();
  if (!Number.isFinite(remaining) || remaining > MAX_TIMER_DELAY_MS) {
    return { signal: controller.signal, dispose: () => undefined };
  }
  if (remaining <= 0) {
    controller.abort(new JobDeadlineExceededError(deadline));
    return { signal: controller.signal, dispose: () => undefined };
  }
  const timer = setTimeout(() => controller.abort(new JobDeadlineExceededError(deadline)), remaining);
  // The job itself keeps the process busy; the timer alone must not.
  timer.unref();
  return { signal: controller.signal, dispose: () => clearTimeout(timer) };
}
