/**
 * The embedded Zeebe-compatible engine: the only surface the rest of Travesía imports.
 * Framework-free: time, persistence and expressions come in through ports.
 */
export { Engine } from './engine';
export type { EngineLogger, EngineObserver, EngineOptions } from './engine';
export type * from './commands/api';
export type { PublishRequest } from './behaviors/event-trigger.behavior';
export { Rejection, type RejectionCode } from './errors';
export { ManualClock, SystemClock, type Clock } from './clock';
export { InMemoryEngineStore } from './store';
export type { BatchWrite, EngineStore, LoadedState, StoredDefinition, TableWrite } from './store';
export type { VariableRow } from './state/variable-table';
export type { ExpressionLanguage, EvaluationResult } from './expressions';
export type { EngineRecord, ValueType } from './records/record';
export { KEY_BASE } from './keys';
export { DEFAULT_MAX_MESSAGE_SIZE } from './commands/job.commands';
