import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * API keys with roles. Only a SHA-256 of each secret is kept (see CryptoRepository for why not
 * bcrypt); `prefix` is the secret's first characters, enough for a human to tell keys apart.
 * Revoked keys stay, so that what they did can still be attributed.
 */
export class ApiKeys1764100000000 implements MigrationInterface {
  name = 'ApiKeys1764100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      create table travesia.api_key (
        id uuid primary key default gen_random_uuid(),
        name text not null check (length(btrim(name)) > 0),
        role text not null check (role in ('analyst', 'client', 'owner', 'admin')),
        key_hash text not null unique check (key_hash ~ '^[0-9a-f]{64}$'),
        prefix text not null,
        created_at timestamptz not null default now(),
        last_used_at timestamptz,
        revoked_at timestamptz
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`drop table travesia.api_key`);
  }
}
