/**
 * The engine's append-only log, shaped like the records Zeebe's exporters see. Every state
 * change emits one; instance history and KPIs are read from them.
 */
export type ValueType =
  | 'DEPLOYMENT'
  | 'PROCESS'
  | 'PROCESS_INSTANCE'
  | 'PROCESS_INSTANCE_CREATION'
  | 'PROCESS_INSTANCE_RESULT'
  | 'JOB'
  | 'JOB_BATCH'
  | 'INCIDENT'
  | 'VARIABLE'
  | 'VARIABLE_DOCUMENT'
  | 'MESSAGE'
  | 'MESSAGE_SUBSCRIPTION'
  | 'PROCESS_MESSAGE_SUBSCRIPTION'
  | 'MESSAGE_START_EVENT_SUBSCRIPTION'
  | 'TIMER'
  | 'SIGNAL'
  | 'SIGNAL_SUBSCRIPTION'
  | 'ERROR'
  | 'ESCALATION';

export const TENANT = '<default>';

export interface EngineRecord {
  /** Strictly increasing over the whole log. */
  position: number;
  /** The key of the entity the record is about (element instance, job, incident, …). */
  key: number;
  timestamp: number;
  valueType: ValueType;
  intent: string;
  /** -1 when the record does not belong to a process instance. */
  processInstanceKey: number;
  elementId: string | null;
  bpmnElementType: string | null;
  value: Record<string, unknown>;
}

/** Collects the records of one batch and numbers them. */
export class RecordLog {
  private buffer: EngineRecord[] = [];

  constructor(private lastPosition = 0) {}

  get position(): number {
    return this.lastPosition;
  }

  restore(position: number): void {
    if (position > this.lastPosition) this.lastPosition = position;
  }

  append(
    valueType: ValueType,
    intent: string,
    key: number,
    timestamp: number,
    value: Record<string, unknown>,
    processInstanceKey = -1,
    elementId: string | null = null,
    bpmnElementType: string | null = null,
  ): EngineRecord {
    const record: EngineRecord = {
      position: ++this.lastPosition,
      key,
      timestamp,
      valueType,
      intent,
      processInstanceKey,
      elementId,
      bpmnElementType,
      value,
    };
    this.buffer.push(record);
    return record;
  }

  /** Hands over the records written since the last drain (the batch's records). */
  drain(): EngineRecord[] {
    const out = this.buffer;
    this.buffer = [];
    return out;
  }

  /** Forgets the undrained records and rewinds positions (the batch was abandoned). */
  discard(): void {
    this.lastPosition -= this.buffer.length;
    this.buffer = [];
  }
}
