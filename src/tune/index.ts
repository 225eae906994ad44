// The tuner's public surface: what the daemon and the CLI call.
export {
  tuneEndpoint,
  TuneInputError,
  type EndpointTuneResult,
  type TuneContext,
  type TuneOptions,
} from './endpoint.js';
export { tuneTraffic, splitHistory, type TuneProblem, type TuneResult, type PolicyFigures } from './tune.js';
export {
  tuneConfigSchema,
  tuneConfigOf,
  parseHistory,
  DEFAULT_TUNE_CONFIG,
  type TuneConfig,
  type TuneConfigInput,
  type Objective,
} from './config.js';
export {
  PARAM_CLASSES,
  candidateSteps,
  classesChanged,
  decideApply,
  decideRollback,
  recordApplied,
  recordRollback,
  EMPTY_STATE,
  DEFAULT_RULES,
  type ParamClass,
  type StepOption,
  type TuneState,
  type ApplyDecision,
  type RollbackDecision,
  type Observation,
  type GuardrailRules,
} from './guardrails.js';
export { loadTuneState, saveTuneState, decideForResult, checkLastChange } from './apply.js';
export { observedLatency, inFlight } from './observe.js';
export { formatTuneResult } from './format.js';
export { scalingYaml } from './yaml.js';
