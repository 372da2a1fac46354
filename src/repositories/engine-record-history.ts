import type {
  CorrelatedMessage,
  HistoryIncident,
  HistoryJob,
  HistoryStep,
  InstanceHistory,
  JobError,
  JobState,
  StepState,
  TakenFlow,
  VariableChange,
} from './instance-history.repository';

/** One row of `engine.record`, keys as decimal strings. */
export interface EngineRecordRow {
  readonly position: string;
  readonly key: string;
  readonly timestamp: Date;
  readonly valueType: string;
  readonly intent: string;
  readonly elementId: string | null;
  readonly bpmnElementType: string | null;
  readonly value: Record<string, unknown>;
}

interface MutableStep {
  elementInstanceKey: string;
  elementId: string;
  elementType: string;
  flowScopeKey: string | null;
  enteredAt: Date;
  leftAt: Date | null;
  state: StepState;
  variablesOnEntry: Record<string, unknown>;
  variablesOnExit: Record<string, unknown> | null;
}

type MutableJob = { -readonly [K in keyof HistoryJob]: HistoryJob[K] };

/**
 * Folds the records of one process instance, in log order, into its history. Pure: what the
 * embedded engine recorded is read as Zeebe's exporters would see it (PROCESS_INSTANCE element
 * and SEQUENCE_FLOW_TAKEN intents, VARIABLE, JOB, PROCESS_MESSAGE_SUBSCRIPTION, INCIDENT). Null
 * when the records hold no activation of the process.
 */
export function historyFromRecords(processInstanceKey: string, records: readonly EngineRecordRow[], truncated: boolean): InstanceHistory | null {
  let process: { bpmnProcessId: string; processDefinitionKey: string; version: number; startedAt: Date; endedAt: Date | null; state: StepState } | undefined;
  const steps = new Map<string, MutableStep>();
  const parents = new Map<string, string | null>();
  const variables = new Map<string, Map<string, unknown>>();
  const variableChanges: VariableChange[] = [];
  const jobs = new Map<string, MutableJob>();
  const messages: CorrelatedMessage[] = [];
  const flowsTaken: TakenFlow[] = [];
  const incidents = new Map<string, { -readonly [K in keyof HistoryIncident]: HistoryIncident[K] }>();

  const visible = (scopeKey: string): Record<string, unknown> => {
    const chain: string[] = [];
    for (let key: string | null | undefined = scopeKey; key; key = parents.get(key)) chain.unshift(key);
    const result: Record<string, unknown> = {};
    for (const key of chain) for (const [name, value] of variables.get(key) ?? []) result[name] = value;
    return result;
  };

  for (const record of records) {
    const value = record.value;
    switch (record.valueType) {
      case 'PROCESS_INSTANCE': {
        if (record.intent === 'SEQUENCE_FLOW_TAKEN') {
          flowsTaken.push({ at: record.timestamp, flowId: record.elementId ?? String(value.elementId ?? ''), flowScopeKey: keyOrNull(value.flowScopeKey) });
          break;
        }
        const isProcess = record.key === processInstanceKey;
        if (record.intent === 'ELEMENT_ACTIVATING') {
          const flowScopeKey = keyOrNull(value.flowScopeKey);
          parents.set(record.key, isProcess ? null : flowScopeKey);
          if (isProcess) {
            process = {
              bpmnProcessId: String(value.bpmnProcessId ?? record.elementId ?? ''),
              processDefinitionKey: String(value.processDefinitionKey ?? ''),
              version: Number(value.version ?? 0),
              startedAt: record.timestamp,
              endedAt: null,
              state: 'active',
            };
          } else {
            steps.set(record.key, {
              elementInstanceKey: record.key,
              elementId: record.elementId ?? String(value.elementId ?? ''),
              elementType: record.bpmnElementType ?? String(value.bpmnElementType ?? ''),
              flowScopeKey,
              enteredAt: record.timestamp,
              leftAt: null,
              state: 'active',
              variablesOnEntry: {},
              variablesOnExit: null,
            });
          }
        } else if (record.intent === 'ELEMENT_ACTIVATED') {
          const step = steps.get(record.key);
          if (step) step.variablesOnEntry = visible(record.key);
        } else if (record.intent === 'ELEMENT_COMPLETED' || record.intent === 'ELEMENT_TERMINATED') {
          const state: StepState = record.intent === 'ELEMENT_COMPLETED' ? 'completed' : 'terminated';
          if (isProcess && process) {
            process.state = state;
            process.endedAt = record.timestamp;
          }
          const step = steps.get(record.key);
          if (step) {
            step.state = state;
            step.leftAt = record.timestamp;
            step.variablesOnExit = visible(record.key);
          }
        }
        break;
      }
      case 'VARIABLE': {
        if (record.intent !== 'CREATED' && record.intent !== 'UPDATED') break;
        const scopeKey = String(value.scopeKey);
        const name = String(value.name);
        const parsed = parseJson(value.value);
        let scope = variables.get(scopeKey);
        if (!scope) variables.set(scopeKey, (scope = new Map()));
        scope.set(name, parsed);
        // Process variables given at creation are recorded before the process activates.
        const processId = typeof value.bpmnProcessId === 'string' ? value.bpmnProcessId : (process?.bpmnProcessId ?? null);
        const scopeElementId = scopeKey === processInstanceKey ? processId : (steps.get(scopeKey)?.elementId ?? null);
        variableChanges.push({ at: record.timestamp, name, value: parsed, scopeKey, scopeElementId });
        break;
      }
      case 'JOB':
        foldJob(jobs, record, processInstanceKey);
        break;
      case 'PROCESS_MESSAGE_SUBSCRIPTION':
        if (record.intent === 'CORRELATED') {
          messages.push({
            at: record.timestamp,
            messageName: String(value.messageName ?? ''),
            correlationKey: typeof value.correlationKey === 'string' ? value.correlationKey : null,
            elementId: String(value.elementId ?? record.elementId ?? ''),
            elementInstanceKey: keyOrNull(value.elementInstanceKey),
            variables: isObject(value.variables) ? value.variables : null,
          });
        }
        break;
      case 'INCIDENT': {
        if (record.intent === 'CREATED') {
          incidents.set(record.key, {
            incidentKey: record.key,
            errorType: String(value.errorType ?? ''),
            errorMessage: String(value.errorMessage ?? ''),
            elementId: String(value.elementId ?? record.elementId ?? ''),
            elementInstanceKey: String(value.elementInstanceKey ?? ''),
            jobKey: keyOrNull(value.jobKey),
            createdAt: record.timestamp,
            resolvedAt: null,
          });
        } else if (record.intent === 'RESOLVED') {
          const incident = incidents.get(record.key);
          if (incident) incident.resolvedAt = record.timestamp;
        }
        break;
      }
    }
  }
  if (!process) return null;
  return {
    source: 'engine-records',
    processInstanceKey,
    bpmnProcessId: process.bpmnProcessId,
    processDefinitionKey: process.processDefinitionKey,
    processDefinitionVersion: process.version,
    state: process.state,
    startedAt: process.startedAt,
    endedAt: process.endedAt,
    steps: [...steps.values()],
    variableChanges,
    jobs: [...jobs.values()],
    messages,
    incidents: [...incidents.values()],
    flowsTaken,
    truncated,
  };
}

/**
 * Folds JOB records (any instances) into jobs, in log order. The worker is only on the records
 * written after activation (COMPLETED, FAILED…): activations are JOB_BATCH records.
 */
export function jobsFromRecords(records: readonly (EngineRecordRow & { readonly processInstanceKey: string })[]): HistoryJob[] {
  const jobs = new Map<string, MutableJob>();
  for (const record of records) foldJob(jobs, record, record.processInstanceKey);
  return [...jobs.values()];
}

function foldJob(jobs: Map<string, MutableJob>, record: EngineRecordRow, processInstanceKey: string): void {
  const value = record.value;
  let job = jobs.get(record.key);
  if (!job) {
    job = {
      jobKey: record.key,
      processInstanceKey,
      type: String(value.type ?? ''),
      kind: String(value.jobKind ?? 'BPMN_ELEMENT'),
      elementId: String(value.elementId ?? record.elementId ?? ''),
      elementInstanceKey: String(value.elementInstanceKey ?? ''),
      worker: null,
      retries: Number(value.retries ?? 0),
      state: 'pending',
      customHeaders: stringMap(value.customHeaders),
      createdAt: record.timestamp,
      endedAt: null,
      errors: [],
    };
    jobs.set(record.key, job);
  }
  if (typeof value.worker === 'string' && value.worker !== '') job.worker = value.worker;
  if (value.retries !== undefined) job.retries = Number(value.retries);
  const error = errorOf(record);
  if (error) job.errors.push(error);
  const state = stateAfter(record.intent, job.retries);
  if (state) {
    job.state = state;
    job.endedAt = state === 'pending' ? null : record.timestamp;
  }
}

function errorOf(record: EngineRecordRow): JobError | undefined {
  const value = record.value;
  if (record.intent === 'FAILED') {
    return { at: record.timestamp, code: null, message: String(value.errorMessage ?? ''), retriesLeft: Number(value.retries ?? 0) };
  }
  if (record.intent === 'ERROR_THROWN') {
    return { at: record.timestamp, code: String(value.errorCode ?? ''), message: String(value.errorMessage ?? ''), retriesLeft: Number(value.retries ?? 0) };
  }
  return undefined;
}

/** The job's state after a record of this intent; undefined when the intent changes none (TIMEOUT_UPDATED…). */
function stateAfter(intent: string, retries: number): JobState | undefined {
  switch (intent) {
    case 'CREATED':
    case 'TIMED_OUT':
    case 'YIELDED':
    case 'RECURRED_AFTER_BACKOFF':
      return 'pending';
    case 'FAILED':
      return retries > 0 ? 'pending' : 'failed';
    case 'RETRIES_UPDATED':
      return retries > 0 ? 'pending' : undefined;
    case 'COMPLETED':
      return 'completed';
    case 'ERROR_THROWN':
      return 'error_thrown';
    case 'CANCELED':
      return 'canceled';
    default:
      return undefined;
  }
}

function keyOrNull(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  const key = String(value);
  return key === '' || key === '-1' ? null : key;
}

function parseJson(text: unknown): unknown {
  if (typeof text !== 'string') return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function stringMap(value: unknown): Record<string, string> {
  const object = typeof value === 'string' ? parseJson(value) : value;
  if (!isObject(object)) return {};
  return Object.fromEntries(Object.entries(object).map(([name, entry]) => [name, String(entry)]));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
