import { ProcessorRegistry } from './element-processor';
import { CallActivityProcessor } from './container/call-activity.processor';
import { MultiInstanceBodyProcessor } from './container/multi-instance-body.processor';
import { ContainerProcessor } from './container/process.processor';
import { CatchEventProcessor, EventBasedGatewayProcessor } from './event/catch-event.processor';
import { PassThroughProcessor } from './event/none-event.processor';
import { ThrowEventProcessor } from './event/throw-event.processor';
import { ExclusiveGatewayProcessor } from './gateway/exclusive-gateway.processor';
import { InclusiveGatewayProcessor } from './gateway/inclusive-gateway.processor';
import { JobTaskProcessor } from './task/job-task.processor';

export { ProcessorRegistry } from './element-processor';
export type { ElementProcessor } from './element-processor';

/** The element kinds this engine executes; deploying any other kind is rejected. */
export function createProcessorRegistry(): ProcessorRegistry {
  const passThrough = new PassThroughProcessor();
  return new ProcessorRegistry()
    .register(['PROCESS', 'SUB_PROCESS', 'EVENT_SUB_PROCESS'], new ContainerProcessor())
    .register(['CALL_ACTIVITY'], new CallActivityProcessor())
    .register(['MULTI_INSTANCE_BODY'], new MultiInstanceBodyProcessor())
    .register(['START_EVENT', 'MANUAL_TASK', 'TASK', 'PARALLEL_GATEWAY', 'BOUNDARY_EVENT'], passThrough)
    .register(['END_EVENT', 'INTERMEDIATE_THROW_EVENT'], new ThrowEventProcessor())
    .register(['INTERMEDIATE_CATCH_EVENT', 'RECEIVE_TASK'], new CatchEventProcessor())
    .register(['EVENT_BASED_GATEWAY'], new EventBasedGatewayProcessor())
    .register(['SERVICE_TASK', 'SEND_TASK', 'SCRIPT_TASK', 'BUSINESS_RULE_TASK', 'USER_TASK'], new JobTaskProcessor())
    .register(['EXCLUSIVE_GATEWAY'], new ExclusiveGatewayProcessor())
    .register(['INCLUSIVE_GATEWAY'], new InclusiveGatewayProcessor());
}
