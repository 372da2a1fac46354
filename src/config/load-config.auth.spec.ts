import { ConfigValidationError } from './config-validation.error';
import { loadConfig } from './load-config';

describe('loadConfig: API_KEY_CACHE_MS', () => {
  it('should default to 5 s and take another time, 0 (no cache) included', () => {
    expect(loadConfig({}).auth.keyCacheMs).toBe(5_000);
    expect(loadConfig({ API_KEY_CACHE_MS: '60000' }).auth.keyCacheMs).toBe(60_000);
    expect(loadConfig({ API_KEY_CACHE_MS: '0' }).auth.keyCacheMs).toBe(0);
  });

  it('should refuse what is not a whole number of milliseconds up to an hour', () => {
    expect(() => loadConfig({ API_KEY_CACHE_MS: '5s' })).toThrow('API_KEY_CACHE_MS must be a whole number of milliseconds, got "5s"');
    expect(() => loadConfig({ API_KEY_CACHE_MS: '-1' })).toThrow(ConfigValidationError);
    expect(() => loadConfig({ API_KEY_CACHE_MS: '3600001' })).toThrow('API_KEY_CACHE_MS must be at most 3600000 milliseconds (an hour), got "3600001"');
  });
});
