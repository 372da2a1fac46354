import type { ElementModel } from '../model';
import { attr, extensions, isPresent, type ModdleElement } from '../moddle-element';
import type { ParseContext } from '../parse-context';
import { Problems } from '../problem-messages';
import { expressionSource } from '../read-value';
import { readTaskHeaders } from './read-task-headers';

/** The job type Zeebe gives job worker user tasks (Protocol.USER_TASK_JOB_TYPE). */
export const USER_TASK_JOB_TYPE = 'io.camunda.zeebe:userTask';

/** [extension type, attribute, header Zeebe puts the value in, whether it is a list] */
const USER_TASK_HEADERS: ReadonlyArray<readonly [string, string, string, boolean]> = [
  ['zeebe:AssignmentDefinition', 'assignee', 'io.camunda.zeebe:assignee', false],
  ['zeebe:AssignmentDefinition', 'candidateGroups', 'io.camunda.zeebe:candidateGroups', true],
  ['zeebe:AssignmentDefinition', 'candidateUsers', 'io.camunda.zeebe:candidateUsers', true],
  ['zeebe:TaskSchedule', 'dueDate', 'io.camunda.zeebe:dueDate', false],
  ['zeebe:TaskSchedule', 'followUpDate', 'io.camunda.zeebe:followUpDate', false],
  ['zeebe:FormDefinition', 'formKey', 'io.camunda.zeebe:formKey', false],
];

/**
 * User tasks run as Zeebe's job worker user tasks: a job of type `io.camunda.zeebe:userTask`
 * with one retry, whose headers carry the assignment, schedule and form key. A `zeebe:userTask`
 * (Camunda user task) is run the same way, since this engine offers no user task API. The
 * headers are fixed at deploy, so expressions in them are not supported yet.
 */
export function readUserTask(ctx: ParseContext, element: ModdleElement, model: ElementModel): void {
  model.jobDefinition = {
    type: { kind: 'static', value: USER_TASK_JOB_TYPE },
    retries: { kind: 'static', value: '1' },
  };
  const headers: Record<string, string> = { ...readTaskHeaders(ctx, element) };
  for (const [extensionType, attribute, header, isList] of USER_TASK_HEADERS) {
    const value = extensions(element, extensionType).map((extension) => attr(extension, attribute))[0];
    if (!isPresent(value)) continue;
    if (expressionSource(value) !== undefined) {
      ctx.report(model.id, Problems.userTaskExpressionNotSupported(attribute));
      continue;
    }
    headers[header] = isList ? JSON.stringify(csvList(value)) : value;
  }
  if (Object.keys(headers).length > 0) model.taskHeaders = headers;
}

function csvList(value: string): string[] {
  return value
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
}
