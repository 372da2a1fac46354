import { ConfigValidationError } from './config-validation.error';
import { loadConfig } from './load-config';

describe('loadConfig: ADMIN_API_KEY', () => {
  const key = `trv_${'Ab3-_'.repeat(9)}xyz`;

  it('should keep a key that looks like a generated one', () => {
    expect(loadConfig({ ADMIN_API_KEY: key }).auth.adminApiKey).toBe(key);
  });

  it('should leave it unset when empty or absent', () => {
    expect(loadConfig({ ADMIN_API_KEY: '' }).auth.adminApiKey).toBeUndefined();
    expect(loadConfig({}).auth.adminApiKey).toBeUndefined();
  });

  it.each([['too short', 'trv_short'], ['without the prefix', key.slice(4) + 'abcd'], ['with other characters', `${key.slice(0, -1)}=`]])(
    'should reject a key %s without echoing it',
    (_case, value) => {
      let error: unknown;
      try {
        loadConfig({ ADMIN_API_KEY: value });
      } catch (thrown) {
        error = thrown;
      }

      expect(error).toBeInstanceOf(ConfigValidationError);
      expect((error as ConfigValidationError).message).toContain('ADMIN_API_KEY must be trv_ followed by at least 43 base64url characters');
      expect((error as ConfigValidationError).message).not.toContain(value);
    },
  );
});
