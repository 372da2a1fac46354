import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type ProblemCategory = 'error' | 'warn';

/** One finding about one element of a diagram. */
export interface ValidationProblem {
  readonly elementId: string;
  readonly rule: string;
  readonly category: ProblemCategory;
  readonly message: string;
}

/** The outcome of validating a version, as stored with it. */
export interface VersionValidation {
  readonly valid: boolean;
  readonly errorCount: number;
  readonly warningCount: number;
  readonly problems: readonly ValidationProblem[];
  /** Which rules ran, e.g. `bpmnlint:recommended + camunda-compat/camunda-cloud-8-8`. */
  readonly ruleset: string;
  readonly validatedAt: string;
}

export interface DiffElement {
  readonly id: string;
  readonly type: string;
  readonly name?: string;
}

export interface DiffElementChange {
  readonly id: string;
  readonly type: string;
  readonly previousType?: string;
  /** The aspects that changed: `name`, `parent`, `eventDefinitions`, `zeebe:TaskDefinition`… */
  readonly changes: readonly string[];
}

export interface DiffFlow {
  readonly id: string;
  readonly sourceRef: string | null;
  readonly targetRef: string | null;
}

export interface DiffFlowChange extends DiffFlow {
  readonly changes: readonly string[];
}

/** What changed in the process since the previous version, element by element; layout is ignored. */
export interface VersionDiff {
  readonly previousVersion: number;
  /** Byte for byte the same XML. */
  readonly identical: boolean;
  /** No element or flow changed (the layout or formatting may have). */
  readonly unchanged: boolean;
  readonly elements: { readonly added: readonly DiffElement[]; readonly removed: readonly DiffElement[]; readonly changed: readonly DiffElementChange[] };
  readonly flows: { readonly added: readonly DiffFlow[]; readonly removed: readonly DiffFlow[]; readonly changed: readonly DiffFlowChange[] };
}

/** One version of a journey's diagram, exactly as the analyst drew it. Immutable but for its validation. */
@Entity({ schema: 'travesia', name: 'journey_version' })
export class JourneyVersionEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'journey_id', type: 'uuid' })
  journeyId: string;

  /** 1, 2, 3… per journey. */
  @Column({ type: 'integer' })
  number: number;

  @Column({ name: 'bpmn_xml', type: 'text' })
  bpmnXml: string;

  /** Hex SHA-256 of the XML. */
  @Column({ type: 'text' })
  checksum: string;

  @Column({ name: 'author_key_id', type: 'text' })
  authorKeyId: string;

  @Column({ name: 'author_name', type: 'text' })
  authorName: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  /** Against version `number - 1`; null for the first version. */
  @Column({ type: 'jsonb', nullable: true })
  diff: VersionDiff | null;

  @Column({ type: 'jsonb' })
  validation: VersionValidation;

  /** Static names of every message the process can catch (see `startMessageNames` for its start events). */
  @Column({ name: 'message_names', type: 'text', array: true })
  messageNames: string[];

  /** Names of the process's message start events: publishing one starts an instance. */
  @Column({ name: 'start_message_names', type: 'text', array: true })
  startMessageNames: string[];

  /** Names a running instance waits for: intermediate catch and boundary events, receive tasks, event subprocesses. */
  @Column({ name: 'waiting_message_names', type: 'text', array: true })
  waitingMessageNames: string[];
}
