import type { BpmnElementType, BpmnEventType, ElementModel } from '../model';
import { attr, child, flag, isPresent, type ModdleElement } from '../moddle-element';
import type { ParseContext } from '../parse-context';
import { Problems } from '../problem-messages';
import { readJobWorker } from './read-job-worker';
import { readMessage } from './read-message';
import { readSignal } from './read-signal';
import { readError, readEscalation } from './read-thrown-code';
import { readTimer } from './read-timer';

/** Where an event sits decides which event definitions it may have. */
type EventRole =
  | 'processStart'
  | 'subprocessStart'
  | 'eventSubprocessStart'
  | 'intermediateCatch'
  | 'boundary'
  | 'intermediateThrow'
  | 'end';

interface RoleRules {
  allowed: readonly BpmnEventType[];
  notAllowed: string;
  /** 'one': exactly one event definition; 'atMostOne': none or one. */
  count: 'one' | 'atMostOne';
}

const RULES: Readonly<Record<EventRole, RoleRules>> = {
  processStart: { allowed: ['NONE', 'MESSAGE', 'TIMER', 'SIGNAL'], notAllowed: Problems.processStartType, count: 'atMostOne' },
  subprocessStart: { allowed: ['NONE'], notAllowed: Problems.subprocessStartNotNone, count: 'atMostOne' },
  eventSubprocessStart: {
    allowed: ['MESSAGE', 'TIMER', 'ERROR', 'SIGNAL', 'ESCALATION'],
    notAllowed: Problems.eventSubprocessStartType,
    count: 'atMostOne',
  },
  intermediateCatch: { allowed: ['MESSAGE', 'TIMER', 'SIGNAL', 'LINK'], notAllowed: Problems.catchType, count: 'one' },
  boundary: { allowed: ['TIMER', 'MESSAGE', 'ERROR', 'SIGNAL', 'ESCALATION'], notAllowed: Problems.boundaryType, count: 'one' },
  intermediateThrow: {
    allowed: ['NONE', 'MESSAGE', 'SIGNAL', 'ESCALATION', 'LINK'],
    notAllowed: Problems.throwType,
    count: 'atMostOne',
  },
  end: {
    allowed: ['NONE', 'ERROR', 'MESSAGE', 'TERMINATE', 'SIGNAL', 'ESCALATION'],
    notAllowed: Problems.endType,
    count: 'atMostOne',
  },
};

/** Kinds Zeebe supports that this engine does not run yet. */
const NOT_YET: Partial<Record<BpmnEventType, string>> = {
  COMPENSATION: 'Compensation events',
  CONDITIONAL: 'Conditional events',
};

const MAY_BE_NON_INTERRUPTING = new Set<BpmnEventType>(['MESSAGE', 'TIMER', 'SIGNAL', 'ESCALATION']);

/**
 * Reads an event: checks that its event definition fits where it sits, then reads the
 * definition (message, timer, error, escalation, signal, link) into the model.
 */
export function readEvent(
  ctx: ParseContext,
  element: ModdleElement,
  model: ElementModel,
  definitions: readonly ModdleElement[],
  scopeType: BpmnElementType,
): void {
  const role = roleOf(model.type, scopeType);
  if (role === 'boundary') readAttachment(ctx, element, model);
  if (!checkDefinitions(ctx, model, definitions, role)) return;
  readInterrupting(ctx, element, model, role);
  const definition = definitions[0];
  if (definition) readDefinition(ctx, element, model, definition, role);
}

function roleOf(type: BpmnElementType, scopeType: BpmnElementType): EventRole {
  switch (type) {
    case 'START_EVENT':
      if (scopeType === 'EVENT_SUB_PROCESS') return 'eventSubprocessStart';
      return scopeType === 'PROCESS' ? 'processStart' : 'subprocessStart';
    case 'INTERMEDIATE_CATCH_EVENT':
      return 'intermediateCatch';
    case 'BOUNDARY_EVENT':
      return 'boundary';
    case 'INTERMEDIATE_THROW_EVENT':
      return 'intermediateThrow';
    default:
      return 'end';
  }
}

/** False when the definition cannot be read (wrong count or kind), after reporting why. */
function checkDefinitions(
  ctx: ParseContext,
  model: ElementModel,
  definitions: readonly ModdleElement[],
  role: EventRole,
): boolean {
  const rules = RULES[role];
  if (rules.count === 'one' && definitions.length !== 1) {
    ctx.report(model.id, Problems.exactlyOneEventDefinition);
    if (definitions.length === 0) return false;
  }
  if (rules.count === 'atMostOne' && definitions.length > 1) {
    const isStart = role.endsWith('Start');
    ctx.report(model.id, isStart ? Problems.startEventMultipleTypes : Problems.atMostOneEventDefinition);
  }
  const notYet = NOT_YET[model.eventType];
  if (notYet) {
    ctx.report(model.id, Problems.notSupportedYet(notYet));
    return false;
  }
  if (model.eventType === 'UNSPECIFIED') {
    ctx.report(model.id, Problems.unsupportedEventDefinition);
    return false;
  }
  if (!rules.allowed.includes(model.eventType)) {
    ctx.report(model.id, rules.notAllowed);
    return false;
  }
  return true;
}

function readInterrupting(ctx: ParseContext, element: ModdleElement, model: ElementModel, role: EventRole): void {
  if (role === 'boundary') model.interrupting = flag(element, 'cancelActivity', true);
  else if (role === 'eventSubprocessStart') model.interrupting = flag(element, 'isInterrupting', true);
  else return;
  if (!model.interrupting && !MAY_BE_NON_INTERRUPTING.has(model.eventType)) {
    ctx.report(model.id, Problems.nonInterruptingType);
  }
}

function readAttachment(ctx: ParseContext, element: ModdleElement, model: ElementModel): void {
  const host = child(element, 'attachedToRef');
  if (host && isPresent(host.id)) model.attachedToId = host.id;
  else if (ctx.isMissingReference(element, 'attachedToRef')) ctx.report(model.id, Problems.boundaryNotAttached);
}

function readDefinition(
  ctx: ParseContext,
  element: ModdleElement,
  model: ElementModel,
  definition: ModdleElement,
  role: EventRole,
): void {
  const throws = role === 'intermediateThrow' || role === 'end';
  switch (model.eventType) {
    case 'MESSAGE':
      // Zeebe publishes a thrown message through a job worker, never by itself.
      if (throws) readJobWorker(ctx, element, model);
      else model.message = readMessage(ctx, model.id, definition, { subscription: role !== 'processStart' });
      return;
    case 'TIMER':
      model.timer = readTimer(ctx, model.id, definition);
      if (model.timer?.kind !== 'cycle') return;
      if (role === 'intermediateCatch') ctx.report(model.id, Problems.intermediateTimerCycle);
      if (model.interrupting === true) ctx.report(model.id, Problems.interruptingCycle);
      return;
    case 'ERROR':
      model.error = readError(ctx, model.id, definition, throws ? 'throw' : 'catch');
      return;
    case 'ESCALATION':
      model.escalation = readEscalation(ctx, model.id, definition, throws ? 'throw' : 'catch');
      return;
    case 'SIGNAL':
      model.signal = readSignal(ctx, model.id, definition);
      return;
    case 'LINK': {
      const name = attr(definition, 'name');
      if (isPresent(name)) model.link = { name };
      else ctx.report(model.id, Problems.linkNameRequired);
      return;
    }
    default:
      return;
  }
}
