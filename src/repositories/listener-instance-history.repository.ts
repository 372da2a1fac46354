import { DataSource } from 'typeorm';
import type { EnrolmentRepository } from './enrolment.repository';
import { type CustomerInstance, type HistoryJob, type HistoryStep, type InstanceHistory, InstanceHistoryRepository, type StepState } from './instance-history.repository';
import { zeebeElementType } from './journey-elements';
import type { ElementExit, OpenElementInstance } from './kpi-event.repository';

interface KpiEventRow {
  eik: string;
  phase: 'start' | 'end' | 'terminated';
  bpmn_process_id: string;
  pdk: string;
  process_definition_version: number;
  element_id: string;
  element_type: string;
  listened: 'start' | 'end' | 'both';
  customer_id: string | null;
  variant: string | null;
  occurred_at: Date;
}

/**
 * History from what the KPI listeners reported (`travesia.kpi_event`), for a real Zeebe, whose
 * records go to its exporters and never reach this service. It knows the elements entered and
 * left, with times, and the `customerId` and `variant` variables; not the other variables, jobs,
 * messages or incidents, nor elements left without completing while their instance runs on.
 * Which instances ended comes from the service's own records: the enrolments, whose tracker
 * follows the instances it started.
 */
export class ListenerInstanceHistoryRepository extends InstanceHistoryRepository {
  readonly source = 'kpi-listeners' as const;

  constructor(
    private readonly dataSource: DataSource,
    private readonly enrolments: EnrolmentRepository,
  ) {
    super();
  }

  async timeline(processInstanceKey: string): Promise<InstanceHistory | null> {
    const rows: KpiEventRow[] = await this.dataSource.query(
      `select element_instance_key::text as eik, phase, bpmn_process_id, process_definition_key::text as pdk, process_definition_version,
              element_id, element_type, listened, customer_id, variant, occurred_at
         from travesia.kpi_event where process_instance_key = $1::bigint
        order by occurred_at, element_instance_key, phase`,
      [processInstanceKey],
    );
    if (rows.length === 0) return null;
    const processRow = rows.find((row) => row.eik === processInstanceKey);
    const state: StepState = processRow ? (processRow.phase === 'end' ? 'completed' : 'terminated') : 'active';
    const byElementInstance = new Map<string, KpiEventRow[]>();
    for (const row of rows) {
      if (row.eik === processInstanceKey) continue;
      const group = byElementInstance.get(row.eik);
      if (group) group.push(row);
      else byElementInstance.set(row.eik, [row]);
    }
    const steps = [...byElementInstance.values()].map((group) => stepOf(group, state !== 'active'));
    steps.sort((a, b) => a.enteredAt.getTime() - b.enteredAt.getTime());
    return {
      source: this.source,
      processInstanceKey,
      bpmnProcessId: rows[0].bpmn_process_id,
      processDefinitionKey: rows[0].pdk,
      processDefinitionVersion: rows[0].process_definition_version,
      state,
      startedAt: rows[0].occurred_at,
      endedAt: processRow?.occurred_at ?? null,
      steps,
      variableChanges: [],
      jobs: [],
      messages: [],
      incidents: [],
      flowsTaken: null,
      truncated: false,
    };
  }

  /**
   * Only whole instances, and only those started through an enrolment that has ended: cancelled
   * through Travesía (`terminated`, exact), or found gone by the enrolment tracker (`completed`:
   * a real Zeebe does not say whether it completed or was cancelled elsewhere).
   */
  async exits(candidates: readonly OpenElementInstance[]): Promise<ElementExit[]> {
    const processes = candidates.filter((candidate) => candidate.elementInstanceKey === candidate.processInstanceKey).map((candidate) => candidate.processInstanceKey);
    const enrolments = await this.enrolments.findByInstanceKeys(processes);
    return enrolments.flatMap((enrolment) =>
      enrolment.processInstanceKey && (enrolment.status === 'completed' || enrolment.status === 'terminated')
        ? [
            {
              elementInstanceKey: enrolment.processInstanceKey,
              processInstanceKey: enrolment.processInstanceKey,
              process: true,
              state: enrolment.status,
              at: enrolment.endedAt ?? new Date(),
            },
          ]
        : [],
    );
  }

  async jobsOfType(): Promise<HistoryJob[]> {
    return [];
  }

  /** A real Zeebe's records are its exporters': only the KPI rows (the journeys repository's) are here. */
  async instancesOfCustomer(): Promise<CustomerInstance[]> {
    return [];
  }

  /** Nothing of its own to forget; what Zeebe's exporters keep is the cluster operator's to purge. */
  async forgetCustomer(): Promise<void> {}
}

/** An element instance from its rows; one still open in an ended instance was left without completing. */
function stepOf(rows: readonly KpiEventRow[], instanceEnded: boolean): HistoryStep {
  const at = (phase: KpiEventRow['phase']) => rows.find((row) => row.phase === phase)?.occurred_at ?? null;
  const first = rows[0];
  const start = at('start');
  const end = at('end') ?? (first.listened === 'start' ? start : null);
  const terminated = at('terminated');
  const state: StepState = end ? 'completed' : terminated || instanceEnded ? 'terminated' : 'active';
  const variables = (row: KpiEventRow) => ({
    ...(row.customer_id !== null ? { customerId: row.customer_id } : {}),
    ...(row.variant !== null ? { variant: row.variant } : {}),
  });
  const endRow = rows.find((row) => row.phase === 'end');
  return {
    elementInstanceKey: first.eik,
    elementId: first.element_id,
    elementType: zeebeElementType(first.element_type),
    flowScopeKey: null,
    enteredAt: start ?? end ?? first.occurred_at,
    leftAt: end ?? terminated,
    state,
    variablesOnEntry: variables(first),
    variablesOnExit: state === 'active' ? null : variables(endRow ?? rows[rows.length - 1]),
  };
}
