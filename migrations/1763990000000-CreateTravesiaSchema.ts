import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The service's own tables live in the `travesia` schema; the engine keeps its state in a schema of its own. */
export class CreateTravesiaSchema1763990000000 implements MigrationInterface {
  name = 'CreateTravesiaSchema1763990000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE SCHEMA IF NOT EXISTS travesia`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP SCHEMA IF EXISTS travesia`);
  }
}
