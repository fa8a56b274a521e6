// `@provena/sdk/capture`: code and environment capture for Node programs (the CLI's `provena run`
// and `provena reproduce`). Kept out of the main entry so browsers never load Node modules.
export { DEFAULT_ENV_ALLOW_LIST, isLockFileName, type LockFileDigest, lockFileDigests } from './environment-facts.js'
export { DEFAULT_DIFF_LIMITS, type GitState, readGitState, type SourceDiff, stripUrlCredentials } from './git-state.js'
export {
  CAPTURE_TAGS,
  type CaptureContext,
  captureRun,
  ENVIRONMENT_ARTIFACT,
  type EnvironmentRecord,
  SOURCE_DIFF_ARTIFACT,
} from './run-capture.js'
export { createSecretRedactor, createStreamRedaction, isSecretName, type SecretRedactor } from './secret-redaction.js'
