import {
  BadGatewayException,
  ConflictException,
  HttpStatus,
  Injectable,
  Logger,
  NotFoundException,
  type OnModuleInit,
  ServiceUnavailableException,
} from '@nestjs/common';
import {
  type AuthenticatedKey,
  type CustomerRow,
  type EnrolCustomerDto,
  type EnrolmentDto,
  type EnrolmentPageDto,
  type EnrolmentRow,
  type EnrolmentSource,
  type EnrolResultDto,
  IDEMPOTENCY_KEY_PATTERN,
  type ListEnrolmentsQueryDto,
  mapEnrolment,
  mapEnrolmentPage,
  mapEnrolResult,
  mapJourneyCustomerProfile,
  RESERVED_ENROLMENT_VARIABLES,
} from '../dtos';
import type { JourneyEntity } from '../entities/journey.entity';
import { ValidationFailedException } from '../middleware/validation.pipe';
import {
  CustomerRepository,
  EngineCommandError,
  EnrolmentRepository,
  JourneyRepository,
  type KeyRef,
  ProcessInstanceRepository,
} from '../repositories';
import { CustomerPrivacyService, type CustomerRef } from './customer-privacy.service';
import { engineHttpError } from './engine-errors';
import { EnrolmentTrackerService } from './enrolment-tracker.service';
import { assertNotArchived } from './journey.service';

/** How long a request waits for the engine to confirm a new instance before answering 202 with the pending enrolment. */
const START_WAIT_MS = 10_000;
/** How long a request that finds another request's pending enrolment waits for it to settle. */
const SETTLE_WAIT_MS = 10_000;
const SETTLE_POLL_MS = 50;

/** What a customer is enrolled into: a journey version that was deployed, as the engine knows it. */
export interface EnrolTarget {
  readonly journey: JourneyEntity;
  readonly versionNumber: number;
  readonly processDefinitionKey: string;
  /** The process definition's version in Zeebe: with the bpmnProcessId, it names the definition. */
  readonly zeebeVersion: number;
}

export interface EnrolRequest {
  readonly variables: Record<string, unknown>;
  readonly idempotencyKey: string | null;
  readonly by: KeyRef;
  readonly source: EnrolmentSource;
  readonly jobId: string | null;
}

/**
 * What became of an enrolment request:
 * - created: a new instance runs; pending: it was asked for, the engine has not confirmed yet;
 * - existing: nothing new was started: the customer has an open enrolment (re-entry never or
 *   after_exit) or the Idempotency-Key names one;
 * - refused: the re-entry rule `never` and the customer travelled the journey before;
 * - key-reused: the Idempotency-Key names another customer's enrolment;
 * - customer-gone: the customer was erased meanwhile;
 * - failed: the engine refused to start the instance.
 */
export type EnrolOutcome =
  | { readonly kind: 'created' | 'pending' | 'existing'; readonly enrolment: EnrolmentRow }
  | { readonly kind: 'refused' | 'key-reused' | 'customer-gone'; readonly reason: string }
  | { readonly kind: 'failed'; readonly enrolment: EnrolmentRow; readonly error: EngineCommandError };

export interface EnrolResponse {
  readonly status: HttpStatus;
  readonly body: EnrolResultDto;
}

/**
 * Enrolment: starting a journey for a customer, through the Zeebe client, with the customer's
 * profile as variables; reading, listing and cancelling enrolments. Roles are checked by the
 * routes (client enrols and cancels; client and owner read; admin everything).
 *
 * An enrolment is written `pending` before the instance is created, and unique indexes decide
 * races there (see the Enrolments migration): while the journey's re-entry rule is `never` or
 * `after_exit`, concurrent requests for one customer create one instance; an Idempotency-Key
 * names one enrolment per journey whatever the rule. Re-entry: `never` refuses a customer who
 * ever had an instance (409), `after_exit` allows a new one once the previous instance ended,
 * `always` starts one per request (use Idempotency-Key to retry safely). Failed enrolments
 * (the engine refused to start the instance) count for none of this.
 */
@Injectable()
export class EnrolmentService implements OnModuleInit {
  private readonly logger = new Logger(EnrolmentService.name);

  constructor(
    private readonly journeys: JourneyRepository,
    private readonly customers: CustomerRepository,
    private readonly enrolments: EnrolmentRepository,
    private readonly instances: ProcessInstanceRepository,
    private readonly tracker: EnrolmentTrackerService,
    private readonly privacy: CustomerPrivacyService,
  ) {}

  /** The GDPR export includes a customer's enrolments; erasure cancels their running instances and deletes them. */
  onModuleInit(): void {
    this.privacy.registerHolder({
      name: 'enrolments',
      export: async (customer) => (await this.tracker.reconcile(await this.enrolments.listForCustomer(customer.externalId))).map(mapEnrolment),
      erase: (customer) => this.erase(customer),
    });
  }

  /** POST /journeys/:journeyId/enrolments: 201 created, 200 existing, 202 pending (the engine has not confirmed yet). */
  async enrol(auth: AuthenticatedKey, journeyId: string, dto: EnrolCustomerDto, idempotencyKey: string | undefined): Promise<EnrolResponse> {
    const key = checkedIdempotencyKey(idempotencyKey);
    const variables = checkedVariables(dto.variables ?? {});
    const target = await this.target(journeyId, dto.version);
    const customer = await this.customers.findByExternalId(dto.customerId);
    if (!customer) throw new NotFoundException(`Expected the external id of a customer, found no customer ${dto.customerId}`);
    const outcome = await this.enrolCustomer(target, customer, { variables, idempotencyKey: key, by: { keyId: auth.id, name: auth.name }, source: 'api', jobId: null });
    switch (outcome.kind) {
      case 'created':
        this.logger.log(`Customer enrolled into journey ${journeyId} v${target.versionNumber} by key ${auth.id} (${auth.name}): enrolment ${outcome.enrolment.id}`);
        return { status: HttpStatus.CREATED, body: mapEnrolResult(outcome.enrolment, false) };
      case 'pending':
        return { status: HttpStatus.ACCEPTED, body: mapEnrolResult(outcome.enrolment, false) };
      case 'existing':
        return { status: HttpStatus.OK, body: mapEnrolResult(outcome.enrolment, true) };
      case 'refused':
      case 'key-reused':
        throw new ConflictException(outcome.reason);
      case 'customer-gone':
        throw new NotFoundException(outcome.reason);
      case 'failed':
        throw this.startError(target, outcome.error);
    }
  }

  /**
   * The journey version to enrol into: `version`, or the live one. 404 for an unknown journey or
   * version; 409 for an archived journey, one without a live version, or a version never deployed.
   */
  async target(journeyId: string, version?: number): Promise<EnrolTarget> {
    const journey = await this.journeys.find(journeyId);
    if (!journey) throw new NotFoundException(`Expected the id of a journey, found no journey ${journeyId}`);
    assertNotArchived(journey, 'be enrolled into');
    const number = version ?? journey.liveVersion;
    if (number === null) throw new ConflictException(`Journey ${journeyId} (${journey.processId}) has no live version yet: deploy a version before enrolling customers`);
    if (version !== undefined && !(await this.journeys.findVersion(journeyId, version))) {
      throw new NotFoundException(`Expected a version of journey ${journeyId} (${journey.latestVersion ? `1 to ${journey.latestVersion}` : 'it has none yet'}), found no version ${version}`);
    }
    const deployment = await this.journeys.latestDeployment(journeyId, number);
    if (!deployment) throw new ConflictException(`Version ${number} of journey ${journeyId} (${journey.processId}) was never deployed: deploy it before enrolling customers into it`);
    return { journey, versionNumber: number, processDefinitionKey: deployment.processDefinitionKey, zeebeVersion: deployment.zeebeVersion };
  }

  /** Enrols one customer by the journey's rules (see the class); the single and the bulk enrolment both come here. */
  async enrolCustomer(target: EnrolTarget, customer: CustomerRow, request: EnrolRequest): Promise<EnrolOutcome> {
    const { journey } = target;
    // A conflict on insert means another request got there first: read what it wrote (a few times, should it end meanwhile).
    for (let attempt = 0; attempt < 3; attempt++) {
      if (request.idempotencyKey !== null) {
        const same = await this.enrolments.findByIdempotencyKey(journey.id, request.idempotencyKey);
        if (same && same.customerId !== customer.id) {
          return { kind: 'key-reused', reason: `Idempotency-Key ${request.idempotencyKey} was used for another customer's enrolment in journey ${journey.id}` };
        }
        const current = same && (await this.reconciled(await this.settled(same)));
        // A failed enrolment releases its key: this request tries again.
        if (current && current.status !== 'failed') return { kind: 'existing', enrolment: current };
        if (current) continue;
      }
      if (journey.reentry !== 'always') {
        const open = await this.enrolments.findOpen(journey.id, customer.id);
        const current = open && (await this.reconciled(await this.settled(open)));
        if (current && (current.status === 'active' || current.status === 'pending')) return { kind: 'existing', enrolment: current };
        if (journey.reentry === 'never' && (await this.enrolments.wasEnrolled(journey.id, customer.id))) {
          return {
            kind: 'refused',
            reason: `Customer ${customer.externalId} was enrolled into journey ${journey.id} (${journey.processId}) before, and its re-entry rule is never`,
          };
        }
      }
      const inserted = await this.enrolments.insertPending({
        journeyId: journey.id,
        versionNumber: target.versionNumber,
        processDefinitionKey: target.processDefinitionKey,
        customerId: customer.id,
        exclusive: journey.reentry !== 'always',
        idempotencyKey: request.idempotencyKey,
        source: request.source,
        jobId: request.jobId,
        enrolledByKeyId: request.by.keyId,
        enrolledByName: request.by.name,
      });
      if (inserted.status === 'inserted') return this.start(target, inserted.enrolment, customer, request.variables);
      if (inserted.status === 'customer-gone') return { kind: 'customer-gone', reason: `Customer ${customer.externalId} was erased while being enrolled` };
    }
    throw new ConflictException(`The enrolments of customer ${customer.externalId} in journey ${journey.id} kept changing while enrolling; try again`);
  }

  async get(id: string): Promise<EnrolmentDto> {
    return mapEnrolment(await this.require(id));
  }

  async list(journeyId: string, query: ListEnrolmentsQueryDto): Promise<EnrolmentPageDto> {
    if (!(await this.journeys.find(journeyId))) throw new NotFoundException(`Expected the id of a journey, found no journey ${journeyId}`);
    const rows = await this.enrolments.list({
      journeyId,
      status: query.status,
      customerExternalId: query.customerId,
      before: query.cursor ? decodeCursor(query.cursor) : undefined,
      limit: query.limit,
    });
    const page = rows.slice(0, query.limit);
    const next = rows.length > query.limit ? encodeCursor(page[page.length - 1]) : null;
    return mapEnrolmentPage(await this.tracker.reconcile(page), next);
  }

  /** DELETE /enrolments/:id: cancels the instance and marks the enrolment terminated. 409 when it is not running. */
  async cancel(auth: AuthenticatedKey, id: string): Promise<EnrolmentDto> {
    const enrolment = await this.require(id);
    if (enrolment.status === 'pending') throw new ConflictException(`Enrolment ${id} is still waiting for the engine to start its instance; cancel it once it is active`);
    if (enrolment.status !== 'active') throw new ConflictException(`Enrolment ${id} is ${enrolment.status}${enrolment.endedAt ? ` since ${enrolment.endedAt.toISOString()}` : ''}: there is no instance to cancel`);
    const key = enrolment.processInstanceKey as string;
    try {
      await this.instances.cancel(key);
    } catch (error) {
      if (!(error instanceof EngineCommandError)) throw error;
      if (error.code !== 'NOT_FOUND') throw engineHttpError(error, `cancel process instance ${key} of enrolment ${id}`);
      // The engine no longer knows the instance: it ended before the cancel arrived.
      const [ended] = await this.enrolments.markEnded([{ processInstanceKey: key, outcome: 'completed', endedAt: null }]);
      const current = ended ?? (await this.require(id));
      throw new ConflictException(`Enrolment ${id} is ${current.status}: its instance ${key} had ended before it could be cancelled`);
    }
    const cancelled = await this.instanceCancelled(key, { keyId: auth.id, name: auth.name });
    this.logger.log(`Enrolment ${id} (instance ${key}) cancelled by key ${auth.id} (${auth.name})`);
    return mapEnrolment(cancelled ?? (await this.require(id)));
  }

  /** Records that the instance was cancelled through Travesía (here or from an incident); null when no active enrolment started it. */
  instanceCancelled(processInstanceKey: string, by: KeyRef): Promise<EnrolmentRow | null> {
    return this.enrolments.markInstanceCancelled(processInstanceKey, by);
  }

  private async start(target: EnrolTarget, enrolment: EnrolmentRow, customer: CustomerRow, extra: Record<string, unknown>): Promise<EnrolOutcome> {
    const variables = { ...extra, customerId: customer.externalId, customer: mapJourneyCustomerProfile(customer), enrolmentId: enrolment.id };
    // The row follows the call whenever it settles, also after this request answered 202.
    const call = this.instances.create(target.journey.processId, target.zeebeVersion, variables).then(
      async (started): Promise<EnrolOutcome> => {
        const active = await this.enrolments.markActive(enrolment.id, started.processInstanceKey, started.processDefinitionKey);
        if (active) return { kind: 'created', enrolment: active };
        // Erased with its customer, or given up as stale (see EnrolmentTrackerService): the instance must not run.
        await this.cancelOrphan(enrolment, started.processInstanceKey);
        return { kind: 'customer-gone', reason: `Customer ${customer.externalId} was erased while being enrolled` };
      },
      async (error: unknown): Promise<EnrolOutcome> => {
        const refusal = error instanceof EngineCommandError ? error : new EngineCommandError('OTHER', String(error));
        const failed = await this.enrolments.markFailed(enrolment.id, refusal.message);
        return { kind: 'failed', enrolment: failed ?? enrolment, error: refusal };
      },
    );
    this.tracker.track(enrolment.id, call);
    const answer = await settleWithin(call, START_WAIT_MS);
    if (answer.state === 'rejected') throw answer.error;
    return answer.state === 'resolved' ? answer.value : { kind: 'pending', enrolment };
  }

  private async cancelOrphan(enrolment: EnrolmentRow, processInstanceKey: string): Promise<void> {
    await this.instances.cancel(processInstanceKey).catch((error: unknown) => {
      this.logger.warn(`instance ${processInstanceKey} of enrolment ${enrolment.id}, which is no longer pending, could not be cancelled: ${error instanceof Error ? error.message : String(error)}`);
    });
  }

  /** The enrolment as it is once no longer pending, waiting a little for whoever is starting it. */
  private async settled(enrolment: EnrolmentRow): Promise<EnrolmentRow> {
    if (enrolment.status !== 'pending') return enrolment;
    const own = this.tracker.startCall(enrolment.id);
    if (own) await settleWithin(own, SETTLE_WAIT_MS);
    const deadline = Date.now() + SETTLE_WAIT_MS;
    let current = (await this.enrolments.find(enrolment.id)) ?? enrolment;
    while (current.status === 'pending' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, SETTLE_POLL_MS));
      current = (await this.enrolments.find(enrolment.id)) ?? current;
    }
    return current;
  }

  private async reconciled(enrolment: EnrolmentRow): Promise<EnrolmentRow> {
    return (await this.tracker.reconcile([enrolment]))[0];
  }

  private async require(id: string): Promise<EnrolmentRow> {
    const enrolment = await this.enrolments.find(id);
    if (!enrolment) throw new NotFoundException(`Expected the id of an enrolment, found no enrolment ${id}`);
    return this.reconciled(enrolment);
  }

  private startError(target: EnrolTarget, error: EngineCommandError) {
    const what = `start journey ${target.journey.id} version ${target.versionNumber} (${target.journey.processId} v${target.zeebeVersion} in the engine)`;
    // The journey and version exist here: an engine that does not know the definition lost it (e.g. a new, empty Zeebe cluster).
    if (error.code === 'NOT_FOUND') return new ConflictException(`Could not ${what}: ${error.message}. Deploy the version again.`);
    if (error.code === 'OTHER') return new BadGatewayException(`Could not ${what}: ${error.message}`);
    return engineHttpError(error, what);
  }

  private async erase(customer: CustomerRef): Promise<void> {
    for (const enrolment of await this.enrolments.listForCustomer(customer.externalId)) {
      if (enrolment.status !== 'active' || enrolment.processInstanceKey === null) continue;
      await this.instances.cancel(enrolment.processInstanceKey).catch((error: unknown) => {
        if (error instanceof EngineCommandError && error.code === 'NOT_FOUND') return;
        throw new ServiceUnavailableException(
          `Could not cancel the journey instance ${enrolment.processInstanceKey} of the customer before erasing them: ${error instanceof Error ? error.message : String(error)}. Repeat the erasure.`,
        );
      });
    }
    await this.enrolments.deleteForCustomer(customer.externalId);
  }
}

type Settlement<T> = { readonly state: 'resolved'; readonly value: T } | { readonly state: 'rejected'; readonly error: unknown } | { readonly state: 'waiting' };

/** How `promise` stands after at most `ms`: settled, or still waiting (it goes on). */
async function settleWithin<T>(promise: Promise<T>, ms: number): Promise<Settlement<T>> {
  let timer: NodeJS.Timeout | undefined;
  const waiting = new Promise<Settlement<T>>((resolve) => (timer = setTimeout(() => resolve({ state: 'waiting' }), ms)));
  try {
    return await Promise.race([
      promise.then(
        (value): Settlement<T> => ({ state: 'resolved', value }),
        (error: unknown): Settlement<T> => ({ state: 'rejected', error }),
      ),
      waiting,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** 400 for an Idempotency-Key header that is not 1 to 255 visible ASCII characters. */
function checkedIdempotencyKey(value: string | undefined): string | null {
  if (value === undefined) return null;
  if (!IDEMPOTENCY_KEY_PATTERN.test(value)) {
    throw new ValidationFailedException([{ field: 'Idempotency-Key', messages: ['Idempotency-Key must be 1 to 255 visible ASCII characters'] }]);
  }
  return value;
}

/** 400 when the request sets a variable Travesía sets itself. */
export function checkedVariables(variables: Record<string, unknown>): Record<string, unknown> {
  const reserved = RESERVED_ENROLMENT_VARIABLES.filter((name) => name in variables);
  if (reserved.length > 0) {
    throw new ValidationFailedException([
      { field: 'variables', messages: [`variables must not set ${reserved.join(', ')}: Travesía sets ${RESERVED_ENROLMENT_VARIABLES.join(', ')} itself`] },
    ]);
  }
  return variables;
}

function encodeCursor(row: EnrolmentRow): string {
  return Buffer.from(`${row.createdAtMicros}.${row.id}`, 'utf8').toString('base64url');
}

function decodeCursor(text: string): { createdAtMicros: string; id: string } {
  const match = /^(\d{1,20})\.([0-9a-f-]{36})$/.exec(Buffer.from(text, 'base64url').toString('utf8'));
  if (!match) throw new ValidationFailedException([{ field: 'cursor', messages: ['cursor must be the nextCursor of a previous page'] }]);
  return { createdAtMicros: match[1], id: match[2] };
}
