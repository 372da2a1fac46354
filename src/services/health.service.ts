import { Injectable } from '@nestjs/common';
import { type ComponentHealthDto, type HealthReportDto, mapHealthReport } from '../dtos';
import { DatabaseRepository } from '../repositories';

/** A component whose health GET /api/health reports. */
export interface HealthIndicator {
  /** Key in the report, e.g. `engine`. Unique. */
  readonly name: string;
  /** Resolves (optionally with details to show) when the component works; rejects with the reason when it does not. */
  check(): Promise<Record<string, unknown> | void>;
}

// A hung dependency must not hang the probe that is meant to detect it.
const CHECK_TIMEOUT_MS = 3_000;

/**
 * The health registry. The database is registered here; other modules register their own
 * components, e.g. in `onModuleInit`: `health.register({ name: 'engine', check: () => … })`.
 */
@Injectable()
export class HealthService {
  private readonly indicators = new Map<string, HealthIndicator>();

  constructor(database: DatabaseRepository) {
    this.register({ name: 'database', check: () => database.ping() });
  }

  /** Adds a component to the report; returns a function that removes it again. */
  register(indicator: HealthIndicator): () => void {
    if (this.indicators.has(indicator.name)) {
      throw new Error(`A health indicator named "${indicator.name}" is already registered.`);
    }
    this.indicators.set(indicator.name, indicator);
    return () => this.indicators.delete(indicator.name);
  }

  async check(): Promise<HealthReportDto> {
    const entries = await Promise.all(
      [...this.indicators.values()].map(async (indicator) => [indicator.name, await run(indicator)] as const),
    );
    return mapHealthReport(Object.fromEntries(entries));
  }
}

async function run(indicator: HealthIndicator): Promise<ComponentHealthDto> {
  const started = performance.now();
  const durationMs = () => Math.round(performance.now() - started);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
  });
  try {
    const details = await Promise.race([indicator.check(), timeout]);
    return { status: 'up', durationMs: durationMs(), ...(details ? { details } : {}) };
  } catch (error) {
    return { status: 'down', durationMs: durationMs(), error: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}
