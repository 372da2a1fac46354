import { ConfigValidationError } from './config-validation.error';
import { loadConfig } from './load-config';

describe('loadConfig: KPI_LISTENER_JOB_TYPE', () => {
  it('should default to travesia.kpi and take another job type', () => {
    expect(loadConfig({}).kpi).toEqual({ listenerJobType: 'travesia.kpi' });
    expect(loadConfig({ KPI_LISTENER_JOB_TYPE: 'acme.kpi' }).kpi).toEqual({ listenerJobType: 'acme.kpi' });
  });

  it('should refuse a job type with spaces', () => {
    expect(() => loadConfig({ KPI_LISTENER_JOB_TYPE: 'kpi listener' })).toThrow(ConfigValidationError);
    expect(() => loadConfig({ KPI_LISTENER_JOB_TYPE: 'kpi listener' })).toThrow(
      'KPI_LISTENER_JOB_TYPE must be a job type without spaces (at most 255 characters), got "kpi listener"',
    );
  });
});
