/** The API's shapes for the process owner's screens (instances, incidents, customers). */

import type { KeyRef } from '../../api/types';

export type EnrolmentStatus = 'pending' | 'active' | 'completed' | 'terminated' | 'failed';
export const ENROLMENT_STATUSES: readonly EnrolmentStatus[] = ['pending', 'active', 'completed', 'terminated', 'failed'];

export type Segment = 'new' | 'lead' | 'waiting' | 'at_risk' | 'lost' | 'hero' | 'occasional' | 'repeater' | 'ghost';
export const SEGMENTS: readonly Segment[] = ['new', 'lead', 'waiting', 'at_risk', 'lost', 'hero', 'occasional', 'repeater', 'ghost'];

export interface Enrolment {
  id: string;
  journeyId: string;
  processId: string;
  version: number;
  processDefinitionKey: string;
  customerId: string;
  processInstanceKey: string | null;
  status: EnrolmentStatus;
  source: 'api' | 'bulk';
  jobId: string | null;
  idempotencyKey: string | null;
  enrolledBy: KeyRef;
  createdAt: string;
  startedAt: string | null;
  endedAt: string | null;
  cancelledBy: KeyRef | null;
  error: string | null;
}

export interface JourneyVersionRef {
  id: string;
  name: string;
  processId: string;
  version: number;
}

export type StepState = 'active' | 'completed' | 'terminated';
export type JobState = 'pending' | 'completed' | 'failed' | 'error_thrown' | 'canceled';

export interface TimelineStep {
  elementInstanceKey: string;
  elementId: string;
  elementName: string | null;
  elementType: string;
  flowScopeKey: string | null;
  enteredAt: string;
  leftAt: string | null;
  state: StepState;
  durationMs: number | null;
  variablesOnEntry: Record<string, unknown>;
  variablesOnExit: Record<string, unknown> | null;
}

export interface VariableChange {
  at: string;
  name: string;
  value: unknown;
  scopeKey: string;
  scopeElementId: string | null;
}

export interface JobError {
  at: string;
  code: string | null;
  message: string;
  retriesLeft: number;
}

export interface TimelineJob {
  jobKey: string;
  type: string;
  kind: string;
  elementId: string;
  elementInstanceKey: string;
  worker: string | null;
  retries: number;
  state: JobState;
  customHeaders: Record<string, string>;
  createdAt: string;
  endedAt: string | null;
  errors: JobError[];
}

export interface Touchpoint {
  elementId: string;
  elementName: string | null;
  elementInstanceKey: string;
  jobType: string;
  channel: string;
  jobKey: string | null;
  state: JobState;
  startedAt: string;
  endedAt: string | null;
  worker: string | null;
  retries: number | null;
  errors: JobError[];
  headers: Record<string, string>;
}

export interface CorrelatedMessage {
  at: string;
  messageName: string;
  correlationKey: string | null;
  elementId: string;
  elementInstanceKey: string | null;
  variables: Record<string, unknown> | null;
}

export interface TimelineIncident {
  incidentKey: string;
  errorType: string;
  errorMessage: string;
  elementId: string;
  elementInstanceKey: string;
  jobKey: string | null;
  createdAt: string;
  resolvedAt: string | null;
}

export interface InstanceTimeline {
  processInstanceKey: string;
  bpmnProcessId: string;
  processDefinitionKey: string;
  processDefinitionVersion: number;
  journey: JourneyVersionRef | null;
  customerId: string | null;
  state: StepState;
  startedAt: string;
  endedAt: string | null;
  source: 'engine-records' | 'kpi-listeners';
  gaps: string[];
  truncated: boolean;
  steps: TimelineStep[];
  variableChanges: VariableChange[];
  jobs: TimelineJob[];
  touchpoints: Touchpoint[];
  messages: CorrelatedMessage[];
  incidents: TimelineIncident[];
  /** Every sequence flow taken, in order; null when the source cannot tell (a real Zeebe). */
  sequenceFlows: TakenSequenceFlow[] | null;
}

export interface TakenSequenceFlow {
  at: string;
  flowId: string;
  flowScopeKey: string | null;
}

export interface Incident {
  key: string;
  errorType: string;
  errorMessage: string;
  bpmnProcessId: string;
  processDefinitionKey: string;
  processInstanceKey: string;
  elementId: string;
  elementInstanceKey: string;
  jobKey: string | null;
  createdAt: string;
  journey: { id: string; name: string; version: number | null } | null;
  enrolment: { id: string; customerId: string } | null;
}

export interface IncidentAction {
  incidentKey: string;
  processInstanceKey: string;
  action: 'retried' | 'resolved' | 'cancelled';
  jobKey: string | null;
  retries: number | null;
}

export interface Consent {
  granted: boolean;
  at: string;
  source: string;
}

export interface CustomerAggregates {
  firstSeenAt: string | null;
  lastSeenAt: string | null;
  eventCount: number;
  purchaseCount: number;
  firstPurchaseAt: string | null;
  lastPurchaseAt: string | null;
  revenue: Record<string, { amount: number; purchaseCount: number }>;
  channels: Record<string, { lastInteractionAt: string; eventCount: number }>;
}

export interface Customer {
  externalId: string;
  attributes: Record<string, unknown>;
  addresses: { email?: string; phone?: string; pushTokens?: string[]; other?: Record<string, string> };
  consents: Record<string, Consent>;
  timezone: string | null;
  segment: Segment | null;
  aggregates: CustomerAggregates;
  createdAt: string;
  updatedAt: string;
}

export interface CustomerHistoryItem {
  kind: 'journey' | 'touchpoint';
  at: string;
  processInstanceKey: string | null;
  journey: JourneyVersionRef;
  instance: { state: EnrolmentStatus; enrolmentId: string | null; startedAt: string; endedAt: string | null; variant: string | null } | null;
  touchpoint: Touchpoint | null;
}

export interface CustomerHistoryPage {
  externalId: string;
  source: 'engine-records' | 'kpi-listeners';
  items: CustomerHistoryItem[];
  nextCursor: string | null;
}
