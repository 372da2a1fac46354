import { Injectable, NotFoundException, type OnModuleDestroy, type OnModuleInit, ServiceUnavailableException } from '@nestjs/common';
import {
  type CustomerHistoryItemDto,
  type EnrolmentRow,
  type CustomerHistoryPageDto,
  type CustomerHistoryQueryDto,
  mapTouchpointJob,
  mapTouchpointStep,
  type TouchpointDto,
} from '../dtos';
import { ValidationFailedException } from '../middleware/validation.pipe';
import {
  type CustomerJourneyInstance,
  CustomerJourneyRepository,
  CustomerRepository,
  type DeploymentModel,
  EngineCommandError,
  EnrolmentRepository,
  InstanceHistoryRepository,
  JourneyModelRepository,
  JourneyRepository,
  ProcessInstanceRepository,
  TOUCHPOINT_JOB_TYPE_PREFIX,
  touchpointChannel,
} from '../repositories';
import { type CustomerRef, CustomerPrivacyService } from './customer-privacy.service';
import { KpiExitsService } from './kpi-exits.service';

/** Instances of one customer a history reads at most (the newest). */
const MAX_INSTANCES = 2_000;

interface Cursor {
  readonly at: number;
  readonly id: string;
}

/**
 * The history of a customer for process owners: every journey instance the customer travelled
 * — found through the `customerId` variable the KPI listener jobs carried, and through the
 * customer's enrolments (which also tell of enrolments still pending or failed) — and every
 * touchpoint job of them, newest first. Also the `journeys` part of the customer's GDPR export,
 * and its erasure: the KPI rows forget the customer, the KPIs stay.
 */
@Injectable()
export class CustomerHistoryService implements OnModuleInit, OnModuleDestroy {
  private unregister: (() => void) | undefined;

  constructor(
    private readonly customers: CustomerRepository,
    private readonly journeys: CustomerJourneyRepository,
    private readonly enrolments: EnrolmentRepository,
    private readonly journeyRepository: JourneyRepository,
    private readonly instanceHistory: InstanceHistoryRepository,
    private readonly models: JourneyModelRepository,
    private readonly exits: KpiExitsService,
    private readonly privacy: CustomerPrivacyService,
    private readonly instances: ProcessInstanceRepository,
  ) {}

  onModuleInit(): void {
    this.unregister = this.privacy.registerHolder({
      name: 'journeys',
      export: (customer: CustomerRef) => this.items(customer.externalId),
      erase: (customer: CustomerRef) => this.erase(customer),
    });
  }

  onModuleDestroy(): void {
    this.unregister?.();
  }

  /**
   * Erasure of the customer's journeys: every instance still running is cancelled (no more
   * touchpoints), then the instances' variables and the customer's message contents leave the
   * engine's history and the customer's id leaves the KPI rows (the counts stay).
   */
  private async erase(customer: CustomerRef): Promise<void> {
    const [journeys, held, enrolments] = await Promise.all([
      this.journeys.instancesOf(customer.externalId, MAX_INSTANCES),
      this.instanceHistory.instancesOfCustomer(customer.externalId),
      this.enrolments.listForCustomer(customer.externalId),
    ]);
    const running = new Set([
      ...journeys.filter((instance) => instance.state === 'active').map((instance) => instance.processInstanceKey),
      ...held.filter((instance) => !instance.ended).map((instance) => instance.processInstanceKey),
      ...enrolments.filter((enrolment) => enrolment.status === 'active' && enrolment.processInstanceKey).map((enrolment) => enrolment.processInstanceKey!),
    ]);
    for (const key of running) {
      await this.instances.cancel(key).catch((error: unknown) => {
        if (error instanceof EngineCommandError && error.code === 'NOT_FOUND') return;
        throw new ServiceUnavailableException(
          `Could not cancel the journey instance ${key} of the customer before erasing them: ${error instanceof Error ? error.message : String(error)}. Repeat the erasure.`,
        );
      });
    }
    const keys = [
      ...journeys.map((instance) => instance.processInstanceKey),
      ...held.map((instance) => instance.processInstanceKey),
      ...enrolments.flatMap((enrolment) => (enrolment.processInstanceKey ? [enrolment.processInstanceKey] : [])),
    ];
    await this.instanceHistory.forgetCustomer(customer.externalId, keys);
    await this.journeys.forgetCustomer(customer.externalId);
  }

  async history(externalId: string, query: CustomerHistoryQueryDto): Promise<CustomerHistoryPageDto> {
    if (!(await this.customers.findByExternalId(externalId))) {
      throw new NotFoundException(`Expected the external id of a customer, found no customer ${externalId}`);
    }
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    const items = (await this.items(externalId)).filter((item) => !after || isAfter(item, after));
    const page = items.slice(0, query.limit);
    const last = page[page.length - 1];
    return {
      externalId,
      source: this.instanceHistory.source,
      items: page,
      nextCursor: items.length > query.limit ? encodeCursor({ at: Date.parse(last.at), id: idOf(last) }) : null,
    };
  }

  /** Every item of the customer, newest first. */
  private async items(externalId: string): Promise<CustomerHistoryItemDto[]> {
    let instances = await this.journeys.instancesOf(externalId, MAX_INSTANCES);
    const active = instances.filter((instance) => instance.state === 'active').map((instance) => instance.processInstanceKey);
    if (active.length > 0) {
      await this.exits.settle({ processInstanceKeys: active });
      instances = await this.journeys.instancesOf(externalId, MAX_INSTANCES);
    }
    const enrolments = await this.enrolments.listForCustomer(externalId);
    const enrolmentOf = new Map(enrolments.filter((enrolment) => enrolment.processInstanceKey).map((enrolment) => [enrolment.processInstanceKey, enrolment]));
    const byKey = new Map(instances.map((instance) => [instance.processInstanceKey, instance]));
    const touchpoints = await this.touchpoints(instances);
    const items: CustomerHistoryItemDto[] = [
      ...instances.map((instance) => ({
        kind: 'journey' as const,
        at: instance.startedAt.toISOString(),
        processInstanceKey: instance.processInstanceKey,
        journey: journeyRef(instance),
        instance: {
          state: instance.state,
          enrolmentId: enrolmentOf.get(instance.processInstanceKey)?.id ?? null,
          startedAt: instance.startedAt.toISOString(),
          endedAt: instance.endedAt?.toISOString() ?? null,
          variant: instance.variant,
        },
        touchpoint: null,
      })),
      ...(await this.enrolmentItems(enrolments.filter((enrolment) => !enrolment.processInstanceKey || !byKey.has(enrolment.processInstanceKey)))),
      ...touchpoints.map(({ processInstanceKey, touchpoint }) => ({
        kind: 'touchpoint' as const,
        at: touchpoint.startedAt,
        processInstanceKey,
        journey: journeyRef(byKey.get(processInstanceKey)!),
        instance: null,
        touchpoint,
      })),
    ];
    return items.sort((a, b) => Date.parse(b.at) - Date.parse(a.at) || compare(idOf(b), idOf(a)));
  }

  /** Enrolments the KPI listeners have not reported on: pending, failed, or not past their first listener yet (or with KPI listeners off). */
  private async enrolmentItems(enrolments: readonly EnrolmentRow[]): Promise<CustomerHistoryItemDto[]> {
    const names = new Map<string, string>();
    for (const journeyId of new Set(enrolments.map((enrolment) => enrolment.journeyId))) {
      names.set(journeyId, (await this.journeyRepository.find(journeyId))?.name ?? '');
    }
    return enrolments.map((enrolment) => {
      const at = enrolment.startedAt ?? enrolment.createdAt;
      return {
        kind: 'journey' as const,
        at: at.toISOString(),
        processInstanceKey: enrolment.processInstanceKey,
        journey: { id: enrolment.journeyId, name: names.get(enrolment.journeyId) ?? '', processId: enrolment.processId, version: enrolment.versionNumber },
        instance: { state: enrolment.status, enrolmentId: enrolment.id, startedAt: at.toISOString(), endedAt: enrolment.endedAt?.toISOString() ?? null, variant: null },
        touchpoint: null,
      };
    });
  }

  /** From the jobs with the embedded engine; otherwise from the touchpoint tasks the KPI listeners saw. */
  private async touchpoints(instances: readonly CustomerJourneyInstance[]): Promise<{ processInstanceKey: string; touchpoint: TouchpointDto }[]> {
    const keys = instances.map((instance) => instance.processInstanceKey);
    const models = await this.modelsOf(instances);
    const modelOf = (processInstanceKey: string) => {
      const instance = instances.find((candidate) => candidate.processInstanceKey === processInstanceKey)!;
      return models.get(versionKey(instance.journeyId, instance.journeyVersion));
    };
    if (this.instanceHistory.source === 'engine-records') {
      const jobs = await this.instanceHistory.jobsOfType(keys, TOUCHPOINT_JOB_TYPE_PREFIX);
      return jobs
        .filter((job) => job.kind === 'BPMN_ELEMENT')
        .map((job) => ({
          processInstanceKey: job.processInstanceKey,
          touchpoint: mapTouchpointJob(job, modelOf(job.processInstanceKey)?.elements.get(job.elementId), touchpointChannel(job.type)),
        }));
    }
    const touchpointIds = new Set([...models.values()].flatMap((model) => [...model.elements.values()].filter((element) => element.touchpoint).map((element) => element.id)));
    const steps = await this.journeys.elementInstancesOf(keys, [...touchpointIds]);
    return steps.flatMap((step) => {
      const element = modelOf(step.processInstanceKey)?.elements.get(step.elementId);
      if (!element?.touchpoint || !element.jobType) return [];
      return [{ processInstanceKey: step.processInstanceKey, touchpoint: mapTouchpointStep(step, element, element.jobType, touchpointChannel(element.jobType)) }];
    });
  }

  private async modelsOf(instances: readonly CustomerJourneyInstance[]): Promise<Map<string, DeploymentModel>> {
    const models = new Map<string, DeploymentModel>();
    for (const instance of instances) {
      const key = versionKey(instance.journeyId, instance.journeyVersion);
      if (models.has(key)) continue;
      const model = await this.models.latestModel(instance.journeyId, instance.journeyVersion);
      if (model) models.set(key, model);
    }
    return models;
  }
}

function journeyRef(instance: CustomerJourneyInstance) {
  return { id: instance.journeyId, name: instance.journeyName, processId: instance.processId, version: instance.journeyVersion };
}

function versionKey(journeyId: string, version: number): string {
  return `${journeyId}/${version}`;
}

/** Unique per item: the instance (or enrolment, without one), or the touchpoint's job (or element instance, without jobs). */
function idOf(item: CustomerHistoryItemDto): string {
  if (item.kind === 'touchpoint') return `t${item.touchpoint!.jobKey ?? item.touchpoint!.elementInstanceKey}`;
  return item.processInstanceKey ? `j${item.processInstanceKey}` : `e${item.instance!.enrolmentId}`;
}

function isAfter(item: CustomerHistoryItemDto, cursor: Cursor): boolean {
  const at = Date.parse(item.at);
  return at < cursor.at || (at === cursor.at && compare(idOf(item), cursor.id) < 0);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(`${cursor.at}.${cursor.id}`, 'utf8').toString('base64url');
}

function decodeCursor(text: string): Cursor {
  const match = /^(\d{1,16})\.([jt]\d{1,19}|e[0-9a-f-]{36})$/.exec(Buffer.from(text, 'base64url').toString('utf8'));
  if (!match) throw new ValidationFailedException([{ field: 'cursor', messages: ['cursor must be the nextCursor of a previous page'] }]);
  return { at: Number(match[1]), id: match[2] };
}
