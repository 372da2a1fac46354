import { parseDocument, RequestProblems, toInt } from '../request-mapping';
import { unary } from './handler';

export const publishMessage = unary<
  { name: string; correlationKey: string; timeToLive: string; messageId: string; variables: string },
  unknown
>('PUBLISH', async (ctx, request) => {
  const timeToLive = toInt(request.timeToLive);
  new RequestProblems({ brokerSide: true })
    .check((request.name ?? '').trim() !== '', 'Expected to publish a message with a name, but the name was empty')
    .check(timeToLive >= 0, `Expected the message time to live to be zero or more, but it was '${timeToLive}'`)
    .throwIfAny();
  const variables = parseDocument(request.variables);
  const key = await ctx.engine.publishMessage({
    name: request.name,
    correlationKey: request.correlationKey ?? '',
    timeToLive,
    messageId: request.messageId ?? '',
    variables,
  });
  return { key: String(key), tenantId: '<default>' };
});

export const broadcastSignal = unary<{ signalName: string; variables: string }, unknown>('BROADCAST', async (ctx, request) => {
  new RequestProblems({ brokerSide: true })
    .check((request.signalName ?? '').trim() !== '', 'Expected to broadcast a signal with a name, but the name was empty')
    .throwIfAny();
  const variables = parseDocument(request.variables);
  const key = await ctx.engine.broadcastSignal(request.signalName, variables);
  return { key: String(key), tenantId: '<default>' };
});
