export { InMemorySpecCache, type JumpStartSpecCache } from './cache.js';
export { mergeEnvironment, specEnvironment } from './environment.js';
export { JumpStartError } from './errors.js';
export { resolveJumpStartModel, type JumpStartRequest, type ResolvedModel } from './resolve.js';
export { resolveEndpointJumpStart } from './endpoint.js';
export { selectVersion } from './version.js';
