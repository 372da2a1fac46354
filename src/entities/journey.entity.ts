import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export const REENTRY_RULES = ['never', 'after_exit', 'always'] as const;
/** May a customer travel the journey again: never, once their previous instance ended, or any time. */
export type ReentryRule = (typeof REENTRY_RULES)[number];

export const GOAL_TYPES = ['end_event', 'message'] as const;
export type GoalType = (typeof GOAL_TYPES)[number];

/** What counts as conversion: reaching an end event of the diagram, or a message (customer event) arriving. */
export type JourneyGoal = { readonly type: 'end_event'; readonly endEventId: string } | { readonly type: 'message'; readonly messageName: string };

/** A customer journey: one BPMN process (`processId`), with versions. Archived journeys stay for history. */
@Entity({ schema: 'travesia', name: 'journey' })
export class JourneyEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** The bpmnProcessId every version's diagram must define; never changes. */
  @Column({ name: 'process_id', type: 'text' })
  processId: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'text', nullable: true })
  description: string | null;

  @Column({ type: 'jsonb', nullable: true })
  goal: JourneyGoal | null;

  @Column({ type: 'text' })
  reentry: ReentryRule;

  /** Whether deploys inject the KPI execution listeners. */
  @Column({ name: 'kpi_listeners_enabled', type: 'boolean' })
  kpiListenersEnabled: boolean;

  /** Job type of the injected KPI listeners; null → KPI_LISTENER_JOB_TYPE. */
  @Column({ name: 'kpi_listener_job_type', type: 'text', nullable: true })
  kpiListenerJobType: string | null;

  /** Number of the version deployed last: the one new instances run. */
  @Column({ name: 'live_version', type: 'integer', nullable: true })
  liveVersion: number | null;

  @Column({ name: 'latest_version', type: 'integer', nullable: true })
  latestVersion: number | null;

  @Column({ name: 'created_by_key_id', type: 'text' })
  createdByKeyId: string;

  @Column({ name: 'created_by_name', type: 'text' })
  createdByName: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  @Column({ name: 'archived_at', type: 'timestamptz', nullable: true })
  archivedAt: Date | null;
}
