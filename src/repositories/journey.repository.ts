import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager, IsNull, QueryFailedError, type Repository } from 'typeorm';
import { JourneyDeploymentEntity } from '../entities/journey-deployment.entity';
import { JourneyVersionEntity } from '../entities/journey-version.entity';
import { JourneyEntity } from '../entities/journey.entity';

export type NewJourney = Pick<
  JourneyEntity,
  'processId' | 'name' | 'description' | 'goal' | 'reentry' | 'kpiListenersEnabled' | 'kpiListenerJobType' | 'createdByKeyId' | 'createdByName'
>;
export type JourneyChanges = Partial<Pick<JourneyEntity, 'name' | 'description' | 'goal' | 'reentry' | 'kpiListenersEnabled' | 'kpiListenerJobType'>>;
export type NewVersion = Omit<JourneyVersionEntity, 'id' | 'journeyId' | 'number' | 'createdAt'>;
export type NewDeployment = Omit<JourneyDeploymentEntity, 'id' | 'journeyId' | 'versionNumber' | 'deployedAt'>;
/** A version without its XML, for listings. */
export type VersionSummary = Omit<JourneyVersionEntity, 'bpmnXml'>;
/** A deployment without its XML, for listings. */
export type DeploymentSummary = Omit<JourneyDeploymentEntity, 'deployedXml'>;

/** Message names of a version that was deployed, with what its journey is now. */
export interface DeployedMessageNames {
  readonly live: boolean;
  readonly archived: boolean;
  readonly startMessageNames: string[];
  readonly waitingMessageNames: string[];
}

const VERSION_SUMMARY_COLUMNS: (keyof VersionSummary)[] = [
  'id',
  'journeyId',
  'number',
  'checksum',
  'authorKeyId',
  'authorName',
  'createdAt',
  'diff',
  'validation',
  'messageNames',
  'startMessageNames',
  'waitingMessageNames',
];
const DEPLOYMENT_SUMMARY_COLUMNS: (keyof DeploymentSummary)[] = [
  'id',
  'journeyId',
  'versionNumber',
  'processDefinitionKey',
  'zeebeVersion',
  'kpiListenerJobType',
  'kpiListenerElements',
  'deployedByKeyId',
  'deployedByName',
  'deployedAt',
];

/** Journeys, versions and deployments in PostgreSQL (schema `travesia`). */
@Injectable()
export class JourneyRepository {
  private readonly journeys: Repository<JourneyEntity>;
  private readonly versions: Repository<JourneyVersionEntity>;
  private readonly deployments: Repository<JourneyDeploymentEntity>;

  constructor(private readonly dataSource: DataSource) {
    this.journeys = dataSource.getRepository(JourneyEntity);
    this.versions = dataSource.getRepository(JourneyVersionEntity);
    this.deployments = dataSource.getRepository(JourneyDeploymentEntity);
  }

  /** Null when another journey has this process id already. */
  async create(journey: NewJourney): Promise<JourneyEntity | null> {
    try {
      const { identifiers } = await this.journeys.insert(journey);
      return this.journeys.findOneByOrFail({ id: identifiers[0].id as string });
    } catch (error) {
      if (isUniqueViolation(error)) return null;
      throw error;
    }
  }

  find(id: string): Promise<JourneyEntity | null> {
    return this.journeys.findOneBy({ id });
  }

  list(options: { includeArchived: boolean }): Promise<JourneyEntity[]> {
    return this.journeys.find({
      where: options.includeArchived ? {} : { archivedAt: IsNull() },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
  }

  async update(id: string, changes: JourneyChanges): Promise<JourneyEntity> {
    if (Object.keys(changes).length > 0) await this.journeys.update({ id }, changes);
    return this.journeys.findOneByOrFail({ id });
  }

  /**
   * Archives the journey, unless it is archived already. Takes the journey's row lock, so it
   * cannot interleave with a deploy of the same journey.
   */
  async archive(id: string): Promise<JourneyEntity> {
    await this.dataSource.query(`update travesia.journey set archived_at = coalesce(archived_at, now()), updated_at = now() where id = $1`, [id]);
    return this.journeys.findOneByOrFail({ id });
  }

  /**
   * Adds the next version of the journey. The journey's row is locked while `prepare` builds
   * the version from the previous one (null for the first), so concurrent additions are numbered
   * one after the other and each is compared with its real predecessor.
   */
  addVersion(journeyId: string, prepare: (previous: JourneyVersionEntity | null) => Promise<NewVersion>): Promise<JourneyVersionEntity> {
    return this.dataSource.transaction(async (manager) => {
      const journey = await lockJourney(manager, journeyId);
      const previous = journey.latestVersion === null ? null : await manager.findOneByOrFail(JourneyVersionEntity, { journeyId, number: journey.latestVersion });
      const number = (journey.latestVersion ?? 0) + 1;
      const version = await prepare(previous);
      await manager.insert(JourneyVersionEntity, { ...version, journeyId, number });
      await manager.update(JourneyEntity, { id: journeyId }, { latestVersion: number });
      return manager.findOneByOrFail(JourneyVersionEntity, { journeyId, number });
    });
  }

  listVersions(journeyId: string): Promise<VersionSummary[]> {
    return this.versions.find({ select: VERSION_SUMMARY_COLUMNS, where: { journeyId }, order: { number: 'ASC' } });
  }

  findVersion(journeyId: string, number: number): Promise<JourneyVersionEntity | null> {
    return this.versions.findOneBy({ journeyId, number });
  }

  async saveValidation(version: JourneyVersionEntity, validation: JourneyVersionEntity['validation']): Promise<JourneyVersionEntity> {
    await this.versions.update({ id: version.id }, { validation });
    return { ...version, validation };
  }

  listDeployments(journeyId: string): Promise<DeploymentSummary[]> {
    return this.deployments.find({ select: DEPLOYMENT_SUMMARY_COLUMNS, where: { journeyId }, order: { deployedAt: 'ASC', id: 'ASC' } });
  }

  /** The last deploy of this version, XML included; null when it was never deployed. */
  latestDeployment(journeyId: string, versionNumber: number): Promise<JourneyDeploymentEntity | null> {
    return this.deployments.findOne({ where: { journeyId, versionNumber }, order: { deployedAt: 'DESC', id: 'DESC' } });
  }

  /** The last deployment that produced this process definition (redeploying unchanged XML returns the same key). */
  findDeploymentByDefinitionKey(processDefinitionKey: string): Promise<DeploymentSummary | null> {
    return this.deployments.findOne({ select: DEPLOYMENT_SUMMARY_COLUMNS, where: { processDefinitionKey }, order: { deployedAt: 'DESC', id: 'DESC' } });
  }

  /**
   * Deploys a version: with the journey's row locked (so deploys of one journey, and its
   * archiving, happen one at a time, in the order the engine sees them), runs `deploy` on the
   * current journey, records what it returns and makes the version live. When `deploy` throws,
   * nothing is recorded.
   */
  deployVersion(
    journeyId: string,
    versionNumber: number,
    deploy: (journey: JourneyEntity) => Promise<NewDeployment>,
  ): Promise<{ journey: JourneyEntity; deployment: JourneyDeploymentEntity }> {
    return this.dataSource.transaction(async (manager) => {
      const deployment = await deploy(await lockJourney(manager, journeyId));
      const { identifiers } = await manager.insert(JourneyDeploymentEntity, { ...deployment, journeyId, versionNumber });
      await manager.update(JourneyEntity, { id: journeyId }, { liveVersion: versionNumber });
      return {
        journey: await manager.findOneByOrFail(JourneyEntity, { id: journeyId }),
        deployment: await manager.findOneByOrFail(JourneyDeploymentEntity, { id: identifiers[0].id as string }),
      };
    });
  }

  /** The message names of every version that was ever deployed. */
  async deployedMessageNames(): Promise<DeployedMessageNames[]> {
    const rows: { live: boolean; archived: boolean; start_message_names: string[]; waiting_message_names: string[] }[] = await this.dataSource.query(`
      select j.live_version = v.number as live, j.archived_at is not null as archived, v.start_message_names, v.waiting_message_names
        from travesia.journey_version v
        join travesia.journey j on j.id = v.journey_id
       where exists (select 1 from travesia.journey_deployment d where d.journey_id = v.journey_id and d.version_number = v.number)`);
    return rows.map((row) => ({
      live: row.live,
      archived: row.archived,
      startMessageNames: row.start_message_names,
      waitingMessageNames: row.waiting_message_names,
    }));
  }
}

async function lockJourney(manager: EntityManager, id: string): Promise<JourneyEntity> {
  return manager.findOneOrFail(JourneyEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof QueryFailedError && (error.driverError as { code?: string } | undefined)?.code === '23505';
}
