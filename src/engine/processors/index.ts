import { ProcessorRegistry } from './element-processor';
import { ContainerProcessor } from './container/process.processor';
import { EndEventProcessor, PassThroughProcessor } from './event/none-event.processor';
import { ExclusiveGatewayProcessor } from './gateway/exclusive-gateway.processor';
import { InclusiveGatewayProcessor } from './gateway/inclusive-gateway.processor';
import { JobTaskProcessor } from './task/job-task.processor';

export { ProcessorRegistry } from './element-processor';
export type { ElementProcessor } from './element-processor';

/** The element kinds this engine executes; deploying any other kind is rejected. */
export function createProcessorRegistry(): ProcessorRegistry {
  const passThrough = new PassThroughProcessor();
  return new ProcessorRegistry()
    .register(['PROCESS', 'SUB_PROCESS'], new ContainerProcessor())
    .register(['START_EVENT', 'MANUAL_TASK', 'TASK', 'INTERMEDIATE_THROW_EVENT'], passThrough)
    .register(['PARALLEL_GATEWAY'], passThrough)
    .register(['END_EVENT'], new EndEventProcessor())
    .register(['SERVICE_TASK', 'SEND_TASK', 'SCRIPT_TASK', 'BUSINESS_RULE_TASK', 'USER_TASK'], new JobTaskProcessor())
    .register(['EXCLUSIVE_GATEWAY'], new ExclusiveGatewayProcessor())
    .register(['INCLUSIVE_GATEWAY'], new InclusiveGatewayProcessor());
}
