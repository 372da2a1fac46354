import type { CreateInstanceRequest, CreateInstanceResult } from '../../engine';
import { invalidArgument } from '../grpc-errors';
import { parseDocument, RequestProblems, toInt, toKey } from '../request-mapping';
import { unary } from './handler';

/** CreateProcessInstanceWithResult with requestTimeout 0 waits this long, like Zeebe's gateway default. */
const DEFAULT_RESULT_TIMEOUT_MS = 15_000;

interface CreateRequestMessage {
  processDefinitionKey: string;
  bpmnProcessId: string;
  version: number;
  variables: string;
  startInstructions: { elementId: string }[];
}

function toCreateRequest(message: CreateRequestMessage | undefined): CreateInstanceRequest {
  if (!message) throw invalidArgument('Expected a create process instance request, but none given');
  const problems = new RequestProblems();
  const key = toKey(message.processDefinitionKey);
  problems.check(
    !message.startInstructions || message.startInstructions.length === 0,
    'Expected no start instructions, but the embedded engine does not support starting at a given element yet',
  );
  problems.throwIfAny();
  const version = toInt(message.version);
  return {
    processDefinitionKey: key > 0 ? key : undefined,
    bpmnProcessId: message.bpmnProcessId,
    // proto3 sends 0 for an unset version; Zeebe clients send -1 for "latest".
    version: version > 0 ? version : -1,
    variables: parseDocument(message.variables),
  };
}

function created(result: CreateInstanceResult) {
  return {
    processDefinitionKey: String(result.processDefinitionKey),
    bpmnProcessId: result.bpmnProcessId,
    version: result.version,
    processInstanceKey: String(result.processInstanceKey),
    tenantId: '<default>',
  };
}

export const createProcessInstance = unary<CreateRequestMessage, unknown>('CREATE', async (ctx, request) =>
  created(await ctx.engine.createProcessInstance(toCreateRequest(request))),
);

export const createProcessInstanceWithResult = unary<
  { request: CreateRequestMessage; requestTimeout: string; fetchVariables: string[] },
  unknown
>('CREATE_WITH_AWAITING_RESULT', async (ctx, message) => {
  const timeout = toInt(message.requestTimeout);
  const result = await ctx.engine.createProcessInstanceWithResult(
    toCreateRequest(message.request),
    timeout > 0 ? timeout : DEFAULT_RESULT_TIMEOUT_MS,
    message.fetchVariables ?? [],
  );
  return { ...created(result), variables: result.variables };
});

export const cancelProcessInstance = unary<{ processInstanceKey: string }, unknown>('CANCEL', async (ctx, request) => {
  await ctx.engine.cancelProcessInstance(toKey(request.processInstanceKey));
  return {};
});

export const setVariables = unary<{ elementInstanceKey: string; variables: string; local: boolean }, unknown>(
  'UPDATE',
  async (ctx, request) => {
    const variables = parseDocument(request.variables);
    const key = await ctx.engine.setVariables(toKey(request.elementInstanceKey), variables, Boolean(request.local));
    return { key: String(key) };
  },
);

export const resolveIncident = unary<{ incidentKey: string }, unknown>('RESOLVE', async (ctx, request) => {
  await ctx.engine.resolveIncident(toKey(request.incidentKey));
  return {};
});
