import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { HttpException, Injectable, Logger, NotFoundException, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { AppConfig } from '../config';
import {
  type AuthenticatedKey,
  type BulkEnrolDto,
  type EnrolmentJobDto,
  type EnrolmentJobFailure,
  type EnrolmentJobRow,
  mapEnrolmentJob,
  toBulkFilter,
} from '../dtos';
import { CustomerRepository, EnrolmentJobRepository, type JobCustomer, type JobProgress } from '../repositories';
import { checkedVariables, type EnrolOutcome, EnrolmentService, type EnrolTarget } from './enrolment.service';

/** Customers read, enrolled and recorded per page. */
const PAGE_SIZE = 100;
/** Enrolments in flight at most, per job. */
const CONCURRENCY = 8;
/** A job's lease; renewed after every page, which takes far less. */
const LEASE_MS = 60_000;
/** How often an idle runner looks for jobs when nobody nudged it. */
const POLL_MS = 2_000;
const MAX_FAILURES_KEPT = 20;

type Tally = 'enrolled' | 'skipped' | 'failed';

/**
 * Bulk enrolment: a job enrols every customer that matches a segment and/or attribute
 * conditions, by the same rules as a single enrolment (customers enrolled already are skipped).
 * Jobs are rows in PostgreSQL, run in the background by every process that serves the API: a
 * process claims a job with a lease, works through the matching customers in id order, a page
 * at a time with at most {@link CONCURRENCY} enrolments in flight, and records its progress
 * after each page. A job whose process stopped is resumed after its last recorded page once its
 * lease runs out (at once after a clean shutdown). Customers of the page that was under way are
 * enrolled again then, which enrols nobody twice: every enrolment of a job carries the
 * Idempotency-Key `job:<jobId>:<customerId>`.
 */
@Injectable()
export class EnrolmentJobService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(EnrolmentJobService.name);
  /** This process, as lease owner. */
  private readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;

  constructor(
    private readonly config: AppConfig,
    private readonly jobs: EnrolmentJobRepository,
    private readonly customers: CustomerRepository,
    private readonly enrolment: EnrolmentService,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.runs('api')) return;
    this.running = true;
    this.loop = this.run();
  }

  async onModuleDestroy(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
  }

  /** POST /journeys/:journeyId/enrolments/bulk: checks the journey now, runs the job in the background. */
  async create(auth: AuthenticatedKey, journeyId: string, dto: BulkEnrolDto): Promise<EnrolmentJobDto> {
    const variables = checkedVariables(dto.variables ?? {});
    const target = await this.enrolment.target(journeyId, dto.version);
    const job = await this.jobs.create({
      journeyId,
      versionNumber: target.versionNumber,
      filter: toBulkFilter(dto),
      variables,
      createdByKeyId: auth.id,
      createdByName: auth.name,
    });
    this.logger.log(`Bulk enrolment ${job.id} into journey ${journeyId} v${target.versionNumber} created by key ${auth.id} (${auth.name})`);
    this.wake?.();
    return mapEnrolmentJob(job);
  }

  async get(id: string): Promise<EnrolmentJobDto> {
    const job = await this.jobs.find(id);
    if (!job) throw new NotFoundException(`Expected the id of a bulk enrolment job, found no job ${id}`);
    return mapEnrolmentJob(job);
  }

  private async run(): Promise<void> {
    while (this.running) {
      let claimed: EnrolmentJobRow | null = null;
      try {
        claimed = await this.jobs.claim(this.owner, LEASE_MS);
        if (claimed) await this.work(claimed);
      } catch (error) {
        this.logger.warn(`bulk enrolment ${claimed?.id ?? '(claiming)'} interrupted, it resumes later: ${messageOf(error)}`);
      } finally {
        if (claimed && !this.running) await this.jobs.release(claimed.id, this.owner).catch(() => undefined);
      }
      if (this.running && !claimed) await this.sleep(POLL_MS);
    }
  }

  /** Works on a claimed job until it is done, it fails, this process loses its lease, or stops. */
  private async work(claimed: EnrolmentJobRow): Promise<void> {
    let job = await this.jobs.snapshot(claimed, this.owner);
    while (job && this.running) {
      let target: EnrolTarget;
      try {
        // Again for every page: the journey may have been archived meanwhile.
        target = await this.enrolment.target(job.journeyId, job.versionNumber);
      } catch (error) {
        await this.jobs.finish(job.id, this.owner, 'failed', messageOf(error));
        this.logger.warn(`bulk enrolment ${job.id} failed: ${messageOf(error)}`);
        return;
      }
      const page = await this.jobs.nextCustomers(job, PAGE_SIZE);
      if (page.length === 0) {
        await this.jobs.finish(job.id, this.owner, 'done', null);
        this.logger.log(`bulk enrolment ${job.id} done: ${job.enrolled} enrolled, ${job.skipped} skipped, ${job.failed} failed of ${job.total ?? '?'}`);
        return;
      }
      job = await this.jobs.progress(job.id, this.owner, await this.enrolPage(job, target, page), LEASE_MS);
    }
  }

  private async enrolPage(job: EnrolmentJobRow, target: EnrolTarget, page: JobCustomer[]): Promise<JobProgress> {
    const counts: Record<Tally, number> = { enrolled: 0, skipped: 0, failed: 0 };
    const failures: EnrolmentJobFailure[] = [...job.failures];
    const queue = [...page];
    const worker = async () => {
      for (let customer = queue.shift(); customer; customer = queue.shift()) {
        const { tally, failure } = await this.enrolOne(job, target, customer);
        counts[tally]++;
        if (failure && failures.length < MAX_FAILURES_KEPT) failures.push({ customerId: customer.externalId, message: failure });
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, queue.length) }, worker));
    return { cursor: page[page.length - 1].id, ...counts, failures };
  }

  private async enrolOne(job: EnrolmentJobRow, target: EnrolTarget, who: JobCustomer): Promise<{ tally: Tally; failure?: string }> {
    try {
      const customer = await this.customers.findByExternalId(who.externalId);
      if (!customer) return { tally: 'skipped' };
      const outcome = await this.enrolment.enrolCustomer(target, customer, {
        variables: job.variables,
        idempotencyKey: `job:${job.id}:${customer.id}`,
        by: { keyId: job.createdByKeyId, name: job.createdByName },
        source: 'bulk',
        jobId: job.id,
      });
      return tallyOf(job, outcome);
    } catch (error) {
      return { tally: 'failed', failure: error instanceof HttpException || error instanceof Error ? error.message : String(error) };
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}

function tallyOf(job: EnrolmentJobRow, outcome: EnrolOutcome): { tally: Tally; failure?: string } {
  switch (outcome.kind) {
    case 'created':
    case 'pending':
      return { tally: 'enrolled' };
    case 'existing':
      // Enrolled by this very job in a page whose progress was lost (the job resumed): it counts as enrolled.
      return { tally: outcome.enrolment.jobId === job.id ? 'enrolled' : 'skipped' };
    case 'refused':
    case 'customer-gone':
      return { tally: 'skipped' };
    case 'key-reused':
      return { tally: 'failed', failure: outcome.reason };
    case 'failed':
      return { tally: 'failed', failure: outcome.error.message };
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
