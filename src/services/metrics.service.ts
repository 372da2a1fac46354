import { Injectable } from '@nestjs/common';
import { MetricsRepository } from '../repositories';

@Injectable()
export class MetricsService {
  constructor(private readonly metrics: MetricsRepository) {}

  /** The scrape: every registered metric, in the Prometheus text format. */
  render(): Promise<string> {
    return this.metrics.render();
  }
}
