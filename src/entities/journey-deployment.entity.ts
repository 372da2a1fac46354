import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** Which KPI listeners one element got when deployed. */
export interface KpiListenerElement {
  readonly elementId: string;
  readonly elementType: string;
  readonly eventTypes: readonly ('start' | 'end')[];
  /** For a catch event behind an event-based gateway: the gateway its start leaves (see kpi-listeners.ts). */
  readonly leaves?: string;
}

/** One deploy of a journey version to the engine, with the XML the engine got (listeners injected). */
@Entity({ schema: 'travesia', name: 'journey_deployment' })
export class JourneyDeploymentEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'journey_id', type: 'uuid' })
  journeyId: string;

  @Column({ name: 'version_number', type: 'integer' })
  versionNumber: number;

  /** Zeebe's key, an int64 as a decimal string. */
  @Column({ name: 'process_definition_key', type: 'text' })
  processDefinitionKey: string;

  /** The process definition's version in Zeebe, which need not equal the journey version's number. */
  @Column({ name: 'zeebe_version', type: 'integer' })
  zeebeVersion: number;

  @Column({ name: 'deployed_xml', type: 'text' })
  deployedXml: string;

  /** Job type of the injected KPI listeners; null when injection was off. */
  @Column({ name: 'kpi_listener_job_type', type: 'text', nullable: true })
  kpiListenerJobType: string | null;

  @Column({ name: 'kpi_listener_elements', type: 'jsonb' })
  kpiListenerElements: KpiListenerElement[];

  @Column({ name: 'deployed_by_key_id', type: 'text' })
  deployedByKeyId: string;

  @Column({ name: 'deployed_by_name', type: 'text' })
  deployedByName: string;

  @CreateDateColumn({ name: 'deployed_at', type: 'timestamptz' })
  deployedAt: Date;
}
