import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { HistoryStep, StepState } from './instance-history.repository';
import { zeebeElementType } from './journey-elements';

/** A journey instance of a customer, as the KPI listeners reported it. */
export interface CustomerJourneyInstance {
  readonly processInstanceKey: string;
  readonly journeyId: string;
  readonly journeyName: string;
  readonly processId: string;
  readonly journeyVersion: number;
  readonly state: StepState;
  readonly startedAt: Date;
  readonly endedAt: Date | null;
  readonly variant: string | null;
}

/** An element instance of a customer's journey instance, from its KPI rows. */
export interface CustomerElementInstance extends HistoryStep {
  readonly processInstanceKey: string;
  readonly journeyId: string;
  readonly journeyVersion: number;
}

/**
 * The journeys of a customer, found through the `customerId` variable the KPI listener jobs
 * carried (`travesia.kpi_event.customer_id`, the customer's external id).
 */
@Injectable()
export class CustomerJourneyRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The customer's instances, newest first, at most `limit`. */
  async instancesOf(customerId: string, limit: number): Promise<CustomerJourneyInstance[]> {
    const rows: {
      pik: string;
      journey_id: string;
      name: string;
      process_id: string;
      journey_version: number;
      started_at: Date;
      ended_at: Date | null;
      completed: boolean;
      terminated: boolean;
      variant: string | null;
    }[] = await this.dataSource.query(
      `with mine as (select distinct process_instance_key from travesia.kpi_event where customer_id = $1)
       select e.process_instance_key::text as pik, e.journey_id, j.name, j.process_id, e.journey_version,
              min(e.occurred_at) as started_at,
              min(e.occurred_at) filter (where e.element_instance_key = e.process_instance_key) as ended_at,
              bool_or(e.element_instance_key = e.process_instance_key and e.phase = 'end') as completed,
              bool_or(e.element_instance_key = e.process_instance_key and e.phase = 'terminated') as terminated,
              (array_agg(e.variant order by e.occurred_at desc) filter (where e.variant is not null))[1] as variant
         from travesia.kpi_event e
         join mine m on m.process_instance_key = e.process_instance_key
         join travesia.journey j on j.id = e.journey_id
        group by e.process_instance_key, e.journey_id, j.name, j.process_id, e.journey_version
        order by started_at desc, e.process_instance_key desc
        limit $2`,
      [customerId, limit],
    );
    return rows.map((row) => ({
      processInstanceKey: row.pik,
      journeyId: row.journey_id,
      journeyName: row.name,
      processId: row.process_id,
      journeyVersion: row.journey_version,
      state: row.completed ? 'completed' : row.terminated ? 'terminated' : 'active',
      startedAt: row.started_at,
      endedAt: row.ended_at,
      variant: row.variant,
    }));
  }

  /** The element instances of these instances whose element is one of `elementIds`; open ones in ended instances count as terminated. */
  async elementInstancesOf(processInstanceKeys: readonly string[], elementIds: readonly string[]): Promise<CustomerElementInstance[]> {
    if (processInstanceKeys.length === 0 || elementIds.length === 0) return [];
    const rows: {
      pik: string;
      eik: string;
      journey_id: string;
      journey_version: number;
      element_id: string;
      element_type: string;
      started_at: Date | null;
      ended_at: Date | null;
      terminated_at: Date | null;
      first_at: Date;
      start_only: boolean;
      instance_ended: boolean;
    }[] = await this.dataSource.query(
      `select e.process_instance_key::text as pik, e.element_instance_key::text as eik, e.journey_id, e.journey_version, e.element_id,
              min(e.element_type) as element_type,
              min(e.occurred_at) filter (where e.phase = 'start') as started_at,
              min(e.occurred_at) filter (where e.phase = 'end') as ended_at,
              min(e.occurred_at) filter (where e.phase = 'terminated') as terminated_at,
              min(e.occurred_at) as first_at,
              bool_and(e.listened = 'start') as start_only,
              exists (select 1 from travesia.kpi_event p where p.element_instance_key = e.process_instance_key) as instance_ended
         from travesia.kpi_event e
        where e.process_instance_key = any($1::bigint[]) and e.element_id = any($2::text[]) and e.element_instance_key <> e.process_instance_key
        group by e.process_instance_key, e.element_instance_key, e.journey_id, e.journey_version, e.element_id`,
      [[...processInstanceKeys], [...elementIds]],
    );
    return rows.map((row) => {
      const leftAt = row.ended_at ?? (row.start_only ? row.started_at : null);
      const state: StepState = leftAt ? 'completed' : row.terminated_at || row.instance_ended ? 'terminated' : 'active';
      return {
        processInstanceKey: row.pik,
        journeyId: row.journey_id,
        journeyVersion: row.journey_version,
        elementInstanceKey: row.eik,
        elementId: row.element_id,
        elementType: zeebeElementType(row.element_type),
        flowScopeKey: null,
        enteredAt: row.started_at ?? row.first_at,
        leftAt: leftAt ?? row.terminated_at,
        state,
        variablesOnEntry: {},
        variablesOnExit: null,
      };
    });
  }

  /** Forgets which customer the KPI rows were about; the KPIs stay. Idempotent. */
  async forgetCustomer(customerId: string): Promise<void> {
    await this.dataSource.query(`update travesia.kpi_event set customer_id = null where customer_id = $1`, [customerId]);
  }
}
