// The simulated cloud: a SageMaker/Application Auto Scaling/CloudWatch/S3 region in virtual time.
export { defaultBoot, drawBootMs, typicalBootSeconds, type BootDistribution } from './boot.js';
export { SimEngine, simOptions, type SimOptions } from './engine.js';
export { createDrivenSimCloud, createSimCloud, engineClock, SimCloud } from './sim-cloud.js';
export { restore, snapshot, type SimStateJson } from './state.js';
