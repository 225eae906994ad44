// AWS SDK v3 releases published after the first week of January 2027 require Node >= 22; every
// @aws-sdk/core since the 2026 announcement (aws/aws-sdk-js-v3#7983, PR #7973) calls
// `emitWarningIfUnsupportedVersion(process.version)` from each client's runtime config, i.e. when a
// client is *constructed*, and on Node 20 that does `process.emitWarning("NodeVersionSupportWarning: ...")`
// once per process, which Node prints to stderr in the middle of CLI output. The SDK's own switch
// is the environment variable AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true (checked with
// `=== 'true'` at emit time), so setting it before the first client is built silences the warning
// without filtering `process.emitWarning`, which would also hide warnings that matter. sagezero
// declares Node ">=20.19 <23" and pins SDK releases that still run on 20, so the warning tells our
// users nothing they can act on. An explicit value set by the user (e.g. "false") is respected.
export const NODE_WARNING_ENV = 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED';

export function suppressSdkNodeVersionWarning(env: NodeJS.ProcessEnv = process.env): void {
  if (env[NODE_WARNING_ENV] === undefined) env[NODE_WARNING_ENV] = 'true';
}
