/** The API's shapes that several views share (each view declares the rest next to itself). */

export type ReentryRule = 'never' | 'after_exit' | 'always';

export type JourneyGoal = { type: 'end_event'; endEventId: string } | { type: 'message'; messageName: string };

export interface KeyRef {
  keyId: string;
  name: string;
}

export interface Journey {
  id: string;
  processId: string;
  name: string;
  description: string | null;
  goal: JourneyGoal | null;
  reentry: ReentryRule;
  kpiListeners: { enabled: boolean; jobType: string; defaultJobType: boolean };
  liveVersion: number | null;
  latestVersion: number | null;
  archived: boolean;
  archivedAt: string | null;
  createdBy: KeyRef;
  createdAt: string;
  updatedAt: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export type ProblemCategory = 'error' | 'warn' | 'info';

export interface ValidationProblem {
  elementId: string;
  rule: string;
  category: ProblemCategory;
  message: string;
}

export interface ValidationSummary {
  valid: boolean;
  errorCount: number;
  warningCount: number;
  ruleset: string;
  validatedAt: string;
}

export interface VersionDiff {
  previousVersion: number;
  identical: boolean;
  unchanged: boolean;
  elements: { added: { id: string; type: string; name?: string }[]; removed: { id: string; type: string; name?: string }[]; changed: { id: string; type: string; changes: string[] }[] };
  flows: { added: { id: string }[]; removed: { id: string }[]; changed: { id: string; changes: string[] }[] };
}

export interface Deployment {
  id: string;
  journeyId: string;
  version: number;
  processDefinitionKey: string;
  zeebeVersion: number;
  deployedBy: KeyRef;
  deployedAt: string;
}

export interface JourneyVersionSummary {
  journeyId: string;
  version: number;
  checksum: string;
  author: KeyRef;
  createdAt: string;
  live: boolean;
  diff: VersionDiff | null;
  messageNames: string[];
  lastDeployment: Deployment | null;
  validation: ValidationSummary;
}

export interface JourneyVersion extends Omit<JourneyVersionSummary, 'validation'> {
  validation: ValidationSummary & { problems: ValidationProblem[] };
  bpmnXml: string;
  deployedXml: string | null;
}
