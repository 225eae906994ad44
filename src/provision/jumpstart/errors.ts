// JumpStart lookups fail for reasons the user can fix (a typo in the model id, a version that does
// not exist, no network to the specs bucket); every message names the model and version and says how
// to bypass JumpStart altogether.

export class JumpStartError extends Error {
  constructor(
    readonly modelId: string,
    readonly version: string,
    reason: string,
  ) {
    super(
      `JumpStart model ${modelId} version ${version}: ${reason}. ` +
        `To deploy without the JumpStart specs, set model.image and model.modelDataUrl (and model.environment) instead of model.jumpstart.`,
    );
    this.name = 'JumpStartError';
  }
}
