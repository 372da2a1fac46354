import { Injectable, Logger } from '@nestjs/common';
import { JourneyModelRepository, KpiEventRepository, type Listened } from '../repositories';

/** What the KPI worker hands over of a listener job (the Job port of src/workers has these fields). */
export interface KpiListenerJob {
  readonly key: string;
  readonly processInstanceKey: string;
  readonly bpmnProcessId: string;
  readonly processDefinitionVersion: number;
  readonly elementId: string;
  readonly elementInstanceKey: string;
  /** Retries left, this attempt included. */
  readonly retries: number;
  readonly variables: Readonly<Record<string, unknown>>;
}

/** The variables the KPI worker fetches; nothing else is sent with its jobs. */
export const KPI_LISTENER_VARIABLES = ['customerId', 'variant'] as const;

const MAX_CUSTOMER_ID_LENGTH = 200;
const MAX_VARIANT_LENGTH = 100;

/**
 * KPI capture: turns each KPI execution listener job into a `kpi_event` row. Whether a job is
 * the start or the end listener is not on the job (the client's protocol has no listener event
 * type), so it comes from the deploy's listener layout: an element with one KPI listener has
 * that one; with both, the start job of an element instance is the first (the engine creates
 * the end job only once the start job completed). The process's end listener reports the
 * instance's completion. An event-based gateway (no end listener in Zeebe) is left when one of
 * its events starts: that start writes the gateway's end too.
 */
@Injectable()
export class KpiCaptureService {
  private readonly logger = new Logger(KpiCaptureService.name);
  private readonly warned = new Set<string>();

  constructor(
    private readonly models: JourneyModelRepository,
    private readonly events: KpiEventRepository,
  ) {}

  /**
   * Records the job as of `at`; resolves once the row is committed, so the job is completed
   * only after. Idempotent: a redelivered job changes nothing. Throws to have the job retried.
   */
  async capture(job: KpiListenerJob, at: Date): Promise<void> {
    const lookup = await this.models.listenerLayout(job.bpmnProcessId, job.processDefinitionVersion);
    if (lookup.status !== 'found') {
      // A journey deploy writes its deployment right after the engine took it, so a job may
      // briefly beat it: retry, and on the last attempt let the instance go on unrecorded.
      if (lookup.status === 'not-deployed' && job.retries > 1) {
        throw new Error(`Expected a deployment of journey ${lookup.journeyId} for ${job.bpmnProcessId} version ${job.processDefinitionVersion}, but found none yet`);
      }
      this.warnOnce(
        `${job.bpmnProcessId}:${job.processDefinitionVersion}`,
        `KPI listener jobs of ${job.bpmnProcessId} version ${job.processDefinitionVersion} are not recorded: no journey deploy made that process definition`,
      );
      return;
    }
    const { layout } = lookup;
    const isProcess = job.elementInstanceKey === job.processInstanceKey;
    const element = layout.elements.get(job.elementId);
    const listened: Listened = isProcess ? 'end' : (element?.listened ?? 'both');
    await this.events.append({
      elementInstanceKey: job.elementInstanceKey,
      processInstanceKey: job.processInstanceKey,
      jobKey: job.key,
      journeyId: layout.journeyId,
      journeyVersion: layout.versionNumber,
      bpmnProcessId: job.bpmnProcessId,
      processDefinitionVersion: job.processDefinitionVersion,
      processDefinitionKey: layout.processDefinitionKey,
      elementId: job.elementId,
      elementType: isProcess ? 'bpmn:Process' : (element?.type ?? 'unknown'),
      listened,
      customerId: textOf(job.variables.customerId, MAX_CUSTOMER_ID_LENGTH),
      variant: textOf(job.variables.variant, MAX_VARIANT_LENGTH),
      occurredAt: at,
      leavesGateway: element?.leaves,
    });
  }

  private warnOnce(key: string, message: string): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.logger.warn(message);
  }
}

/** A string, number or boolean variable as text (cut to `max`, without the NULs PostgreSQL refuses); null for anything else. */
function textOf(value: unknown, max: number): string | null {
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value !== 'string') return null;
  const text = value.replaceAll('\u0000', '').slice(0, max);
  return text === '' ? null : text;
}
