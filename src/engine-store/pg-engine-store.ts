import { Pool, type PoolClient } from 'pg';
import type { BatchWrite, EngineStore, LoadedState, StoredDefinition, VariableRow } from '../engine';

const ENTITY_TABLES = ['element_instance', 'job', 'incident', 'subscription', 'message'] as const;
/** Any constant works; it only has to be the same for every engine process. */
const ENGINE_LOCK_ID = 0x7472_6176;

export class EngineLockedError extends Error {
  override name = 'EngineLockedError';
}

/**
 * The embedded engine's state in PostgreSQL (schema `engine`, created by the migrations).
 * Each batch is one statement of set-based steps: rows travel as one JSON document per step,
 * so a batch of thousands of changes costs one round trip and one fsync. Nested documents travel as JSON text inside it: json_to_recordset would
 * otherwise unescape them, and a \u0000 in a user's variable cannot become text.
 */
export class PgEngineStore implements EngineStore {
  private readonly pool: Pool;
  private lockClient?: PoolClient;

  constructor(connectionString: string) {
    this.pool = new Pool({ connectionString, max: 3, application_name: 'travesia-engine' });
    this.pool.on('error', () => undefined);
  }

  /**
   * Takes the database-wide engine lock, so that a second engine on the same database
   * refuses to start instead of corrupting the first one's state.
   */
  async acquireLock(): Promise<void> {
    const client = await this.pool.connect();
    const { rows } = await client.query<{ locked: boolean }>('select pg_try_advisory_lock($1) as locked', [ENGINE_LOCK_ID]);
    if (!rows[0].locked) {
      client.release();
      throw new EngineLockedError(
        'Expected to be the only embedded engine on this database, but another engine process holds it. ' +
          'Stop the other process, or point ZEEBE_GRPC_ADDRESS at it instead of starting a second engine.',
      );
    }
    this.lockClient = client;
  }

  async load(): Promise<LoadedState> {
    const client = await this.pool.connect();
    try {
      await client.query('begin isolation level repeatable read read only');
      const meta = await client.query<{ last_key: string; last_position: string }>(
        'select last_key, last_position from engine.meta where id = 1',
      );
      const definitions = await client.query(
        `select key, bpmn_process_id, version, resource_name, resource, checksum, deployment_key, deployed_at
           from engine.definition order by key`,
      );
      const tables = new Map<string, unknown[]>();
      for (const table of ENTITY_TABLES) {
        const { rows } = await client.query<{ data: unknown }>(`select data from engine.${table}`);
        tables.set(table, rows.map((r) => r.data));
      }
      const variables = await client.query<{ key: string; scope_key: string; name: string; process_instance_key: string; value: string }>(
        'select key, scope_key, name, process_instance_key, value from engine.variable',
      );
      await client.query('commit');
      return {
        lastKey: Number(meta.rows[0]?.last_key ?? 0),
        lastPosition: Number(meta.rows[0]?.last_position ?? 0),
        definitions: definitions.rows.map(
          (r): StoredDefinition => ({
            key: Number(r.key),
            bpmnProcessId: r.bpmn_process_id,
            version: r.version,
            resourceName: r.resource_name,
            resource: r.resource,
            checksum: r.checksum,
            deploymentKey: Number(r.deployment_key),
            deployedAt: Number(r.deployed_at),
          }),
        ),
        tables,
        variables: variables.rows.map(
          (r): VariableRow => ({
            key: Number(r.key),
            scopeKey: Number(r.scope_key),
            name: r.name,
            processInstanceKey: Number(r.process_instance_key),
            json: r.value,
          }),
        ),
      };
    } catch (error) {
      await client.query('rollback').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  /**
   * One statement: every change of the batch is a data-modifying CTE of a single UPDATE of
   * engine.meta, so the batch costs one round trip and is atomic on its own (no BEGIN/COMMIT
   * round trips). The CTEs see one snapshot, which is safe because a batch carries net changes:
   * a key is either upserted or deleted, never both.
   */
  async write(batch: BatchWrite): Promise<void> {
    const params: unknown[] = [];
    const param = (value: unknown) => `$${params.push(value)}`;
    const steps: string[] = [];
    if (batch.definitions.length > 0) {
      steps.push(`insert into engine.definition (key, bpmn_process_id, version, resource_name, resource, checksum, deployment_key, deployed_at)
         select key, "bpmnProcessId", version, "resourceName", resource, checksum, "deploymentKey", "deployedAt"
           from json_to_recordset(${param(JSON.stringify(batch.definitions))}::json) as d(key bigint, "bpmnProcessId" text, version int, "resourceName" text,
                resource text, checksum text, "deploymentKey" bigint, "deployedAt" bigint)`);
    }
    for (const table of batch.tables) {
      if (table.deletes.length > 0) steps.push(`delete from engine.${table.table} where key = any(${param(table.deletes)}::bigint[])`);
      if (table.upserts.length > 0) {
        const rows = JSON.stringify(table.upserts.map((row) => ({ ...row, data: JSON.stringify(row.data) })));
        steps.push(`insert into engine.${table.table} (key, process_instance_key, data)
           select key, "processInstanceKey", data::json from json_to_recordset(${param(rows)}::json) as r(key bigint, "processInstanceKey" bigint, data text)
           on conflict (key) do update set data = excluded.data, process_instance_key = excluded.process_instance_key`);
      }
    }
    const { deletes, upserts } = batch.variables;
    if (deletes.length > 0) {
      steps.push(`delete from engine.variable v using json_to_recordset(${param(JSON.stringify(deletes))}::json) as d("scopeKey" bigint, name text)
          where v.scope_key = d."scopeKey" and v.name = d.name`);
    }
    if (upserts.length > 0) {
      steps.push(`insert into engine.variable (scope_key, name, key, process_instance_key, value)
         select "scopeKey", name, key, "processInstanceKey", json from json_to_recordset(${param(JSON.stringify(upserts))}::json)
             as r("scopeKey" bigint, name text, key bigint, "processInstanceKey" bigint, json text)
         on conflict (scope_key, name) do update set value = excluded.value, key = excluded.key`);
    }
    if (batch.records.length > 0) {
      const records = JSON.stringify(batch.records.map((record) => ({ ...record, value: JSON.stringify(record.value) })));
      steps.push(`insert into engine.record (position, key, timestamp, value_type, intent, process_instance_key, element_id, bpmn_element_type, value)
         select position, key, to_timestamp(timestamp / 1000.0), "valueType", intent, "processInstanceKey", "elementId", "bpmnElementType", value::json
           from json_to_recordset(${param(records)}::json) as r(position bigint, key bigint, timestamp bigint, "valueType" text, intent text,
                "processInstanceKey" bigint, "elementId" text, "bpmnElementType" text, value text)`);
    }
    const meta = `update engine.meta set last_key = ${param(batch.lastKey)}, last_position = ${param(batch.lastPosition)} where id = 1`;
    const sql = steps.length === 0 ? meta : `with ${steps.map((step, i) => `s${i} as (${step})`).join(',\n')}\n${meta}`;
    await this.pool.query(sql, params);
  }


  async close(): Promise<void> {
    if (this.lockClient) {
      await this.lockClient.query('select pg_advisory_unlock($1)', [ENGINE_LOCK_ID]).catch(() => undefined);
      this.lockClient.release();
      this.lockClient = undefined;
    }
    await this.pool.end();
  }
}
