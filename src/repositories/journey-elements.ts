import { flowNodesOf, list } from './bpmn-diagram';
import type { ModdleElement } from './bpmn-moddle.repository';

/** Job types of touchpoints start with this: `touchpoint.email`, `touchpoint.sms`… */
export const TOUCHPOINT_JOB_TYPE_PREFIX = 'touchpoint.';

/** What KPIs and history need to know about one flow node of a deployed journey. */
export interface JourneyElement {
  readonly id: string;
  /** bpmn-moddle type, e.g. `bpmn:ServiceTask`. */
  readonly type: string;
  readonly name: string | null;
  /** The job type of a job worker task (`zeebe:taskDefinition`), as written (may be FEEL). */
  readonly jobType: string | null;
  /** The static name of the message a catch element waits for. */
  readonly messageName: string | null;
  /** A task whose job type is a touchpoint's. */
  readonly touchpoint: boolean;
}

/** Every flow node of the process (subprocesses included), parents first. Pure. */
export function journeyElementsOf(process: ModdleElement): JourneyElement[] {
  return flowNodesOf(process).map((node) => {
    const jobType = jobTypeOf(node);
    return {
      id: node.id ?? '',
      type: node.$type,
      name: typeof node.name === 'string' && node.name.trim() !== '' ? node.name : null,
      jobType,
      messageName: messageNameOf(node),
      touchpoint: jobType !== null && jobType.startsWith(TOUCHPOINT_JOB_TYPE_PREFIX),
    };
  });
}

/** The channel of a touchpoint job type: `touchpoint.email` → `email`. */
export function touchpointChannel(jobType: string): string {
  return jobType.startsWith(TOUCHPOINT_JOB_TYPE_PREFIX) ? jobType.slice(TOUCHPOINT_JOB_TYPE_PREFIX.length) : jobType;
}

function jobTypeOf(node: ModdleElement): string | null {
  const values = list((node.extensionElements as ModdleElement | undefined)?.values);
  const definition = values.find((value) => value.$type === 'zeebe:TaskDefinition');
  const type = definition?.type;
  return typeof type === 'string' && type.trim() !== '' ? type : null;
}

function messageNameOf(node: ModdleElement): string | null {
  let message: ModdleElement | undefined;
  if (node.$type === 'bpmn:ReceiveTask') message = node.messageRef as ModdleElement | undefined;
  else if (['bpmn:StartEvent', 'bpmn:IntermediateCatchEvent', 'bpmn:BoundaryEvent'].includes(node.$type)) {
    message = list(node.eventDefinitions).find((d) => d.$type === 'bpmn:MessageEventDefinition')?.messageRef as ModdleElement | undefined;
  }
  const name = message?.name;
  if (typeof name !== 'string' || name.trim() === '') return null;
  if (!name.startsWith('=')) return name;
  // `="order.placed"` is a static name too; any other expression is known only at run time.
  return /^=\s*"([^"\\]*)"\s*$/.exec(name)?.[1] ?? null;
}

/** Zeebe's BpmnElementType of a bpmn-moddle type: `bpmn:ServiceTask` → `SERVICE_TASK`. */
export function zeebeElementType(moddleType: string): string {
  return moddleType
    .replace(/^bpmn:/, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toUpperCase();
}
