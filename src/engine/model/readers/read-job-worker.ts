import type { ElementModel } from '../model';
import { extensions, type ModdleElement } from '../moddle-element';
import type { ParseContext } from '../parse-context';
import { Problems } from '../problem-messages';
import { readJobDefinition } from './read-job-definition';
import { readTaskHeaders } from './read-task-headers';

/**
 * Zeebe's other implementations of script and business rule tasks. The engine runs both only as
 * jobs, so diagrams using them are rejected at deploy rather than failing at run time.
 */
const ALTERNATIVES: Partial<Record<ElementModel['type'], { extension: string; type: string; elements: string }>> = {
  SCRIPT_TASK: { extension: 'script', type: 'zeebe:Script', elements: 'Script tasks' },
  BUSINESS_RULE_TASK: { extension: 'calledDecision', type: 'zeebe:CalledDecision', elements: 'Business rule tasks' },
};

/**
 * Reads the job of a job worker element — service, send, script and business rule tasks and
 * message throw events: exactly one `zeebe:taskDefinition`, plus `zeebe:taskHeaders`.
 */
export function readJobWorker(ctx: ParseContext, element: ModdleElement, model: ElementModel): void {
  const definitions = extensions(element, 'zeebe:TaskDefinition');
  const alternative = ALTERNATIVES[model.type];
  const alternatives = alternative ? extensions(element, alternative.type) : [];
  if (alternative && alternatives.length > 0 && definitions.length === 0) {
    ctx.report(model.id, Problems.implementationNotSupported(alternative.elements, alternative.extension));
    return;
  }
  if (definitions.length !== 1 || alternatives.length > 0) {
    const message = alternative
      ? Problems.eitherExtension(alternative.extension, 'taskDefinition')
      : Problems.exactlyOneExtension('taskDefinition');
    ctx.report(model.id, message);
    return;
  }
  model.jobDefinition = readJobDefinition(ctx, model.id, definitions[0]);
  model.taskHeaders = readTaskHeaders(ctx, element);
}
