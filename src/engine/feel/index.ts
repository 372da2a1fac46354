export { FeelEvaluator, type FeelClock, type FeelEvaluatorOptions, type FeelResult } from './feel-evaluator';
export type { ZeebeResultType } from './feel-value';
