/**
 * The engine's public request and response types: what the gRPC gateway translates to and
 * from. Keys are numbers here and decimal strings on the wire.
 */
export interface ResourceInput {
  name: string;
  content: string;
}

export interface DeployedProcess {
  bpmnProcessId: string;
  version: number;
  processDefinitionKey: number;
  resourceName: string;
}

export interface DeployResult {
  key: number;
  processes: DeployedProcess[];
}

export interface CreateInstanceRequest {
  bpmnProcessId?: string;
  /** -1 (or undefined) means the latest version. */
  version?: number;
  processDefinitionKey?: number;
  variables: Record<string, unknown>;
}

export interface CreateInstanceResult {
  processDefinitionKey: number;
  bpmnProcessId: string;
  version: number;
  processInstanceKey: number;
}

export interface InstanceResult extends CreateInstanceResult {
  /** The process instance's variables at completion, as a JSON object text. */
  variables: string;
}

export interface ActivateJobsRequest {
  type: string;
  worker: string;
  /** How long the activated jobs stay locked, ms. */
  timeout: number;
  maxJobsToActivate: number;
  fetchVariable: string[];
  /** Long polling: >0 wait that long, 0 the default, <0 answer at once. */
  requestTimeout: number;
}

export interface ActivatedJob {
  key: number;
  type: string;
  processInstanceKey: number;
  bpmnProcessId: string;
  processDefinitionVersion: number;
  processDefinitionKey: number;
  elementId: string;
  elementInstanceKey: number;
  customHeaders: string;
  worker: string;
  retries: number;
  deadline: number;
  variables: string;
}

export interface JobStreamRequest {
  type: string;
  worker: string;
  timeout: number;
  fetchVariable: string[];
}

/** A consumer of pushed jobs. `push` returns false when the consumer is gone. */
export interface JobStreamConsumer {
  push(job: ActivatedJob): boolean;
}

export interface FailJobRequest {
  jobKey: number;
  retries: number;
  errorMessage: string;
  retryBackOff: number;
  variables: Record<string, unknown>;
}

export interface ThrowErrorRequest {
  jobKey: number;
  errorCode: string;
  errorMessage: string;
  variables: Record<string, unknown>;
}
