import { Injectable } from '@nestjs/common';
import {
  collectDefaultMetrics,
  Counter,
  type CounterConfiguration,
  Gauge,
  type GaugeConfiguration,
  Histogram,
  type HistogramConfiguration,
  Registry,
} from 'prom-client';

/**
 * This process's Prometheus registry, exposed at GET /metrics. Inject it to register metrics of
 * your own, once, e.g. in a constructor:
 * `this.commits = metrics.histogram({ name: 'travesia_engine_commit_seconds', help: '…' })`.
 * Names must be unique (prom-client throws on a second registration). The registry is per
 * application rather than prom-client's global one, so that apps created side by side in tests
 * do not collide.
 */
@Injectable()
export class MetricsRepository {
  private readonly registry = new Registry();

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  counter<T extends string>(configuration: Omit<CounterConfiguration<T>, 'registers'>): Counter<T> {
    return new Counter({ ...configuration, registers: [this.registry] });
  }

  gauge<T extends string>(configuration: Omit<GaugeConfiguration<T>, 'registers'>): Gauge<T> {
    return new Gauge({ ...configuration, registers: [this.registry] });
  }

  histogram<T extends string>(configuration: Omit<HistogramConfiguration<T>, 'registers'>): Histogram<T> {
    return new Histogram({ ...configuration, registers: [this.registry] });
  }

  /** Every metric in the Prometheus text format ({@link Registry.PROMETHEUS_CONTENT_TYPE}). */
  render(): Promise<string> {
    return this.registry.metrics();
  }
}
