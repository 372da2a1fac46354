import { ConfigValidationError } from './config-validation.error';
import { loadConfig } from './load-config';

describe('loadConfig: EVENT_MESSAGE_TTL_MS', () => {
  it('should default to a minute and take another time to live, 0 included', () => {
    expect(loadConfig({}).events).toEqual({ messageTtlMs: 60_000 });
    expect(loadConfig({ EVENT_MESSAGE_TTL_MS: '3600000' }).events).toEqual({ messageTtlMs: 3_600_000 });
    expect(loadConfig({ EVENT_MESSAGE_TTL_MS: '0' }).events).toEqual({ messageTtlMs: 0 });
  });

  it('should refuse what is not a whole number of milliseconds', () => {
    expect(() => loadConfig({ EVENT_MESSAGE_TTL_MS: '1m' })).toThrow(ConfigValidationError);
    expect(() => loadConfig({ EVENT_MESSAGE_TTL_MS: '1m' })).toThrow('EVENT_MESSAGE_TTL_MS must be a whole number of milliseconds, got "1m"');
    expect(() => loadConfig({ EVENT_MESSAGE_TTL_MS: '-5' })).toThrow(ConfigValidationError);
  });
});
