import { createHash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';

export const API_KEY_PREFIX = 'trv_';
/** How much of a secret is kept in clear, so that people can tell keys apart: `trv_` + 8 characters. */
const VISIBLE_LENGTH = API_KEY_PREFIX.length + 8;

@Injectable()
export class CryptoRepository {
  /** A new API key secret: `trv_` and 32 random bytes in base64url (43 characters). */
  newApiKeySecret(): string {
    return API_KEY_PREFIX + randomBytes(32).toString('base64url');
  }

  /**
   * What is stored of a secret, and looked up on every request. SHA-256 rather than bcrypt or
   * argon2: those are slow on purpose to make guessing a low-entropy password expensive, but a
   * key has 256 random bits, which no amount of guessing covers, so slowness would buy nothing
   * and cost every request. A plain, deterministic hash also lets the lookup be an index search.
   */
  hashApiKey(secret: string): string {
    return createHash('sha256').update(secret, 'utf8').digest('hex');
  }

  /** The part of a secret shown in listings. */
  apiKeyPrefix(secret: string): string {
    return secret.slice(0, VISIBLE_LENGTH);
  }
}
