export {
  runConformanceSuite,
  type ConformanceOptions,
  type ConformanceSandbox,
} from "./conformance/suite.js";
export {
  checkConnectorShape,
  checkFieldMappings,
  checkHealthCheckAcceptsGoodCredentials,
  checkHealthCheckRejectsBadCredentials,
  checkIncrementalSyncIsEmpty,
  checkNoSecretsLeak,
  checkRegistration,
  checkSyncPagesToCompletion,
  checkSyncRejectsBadCredentials,
  checkTransformIsPure,
  checkVersion,
  transformFixture,
  CONNECTOR_METHODS,
  DEFAULT_MAX_PAGES,
  type AnyConnector,
  type FullSyncCheckOptions,
  type PackageJsonLike,
  type RegistrationCheckOptions,
  type SecretsCheckOptions,
  type SyncCheckOptions,
  type SyncRun,
  type TransformFixture,
} from "./conformance/checks.js";
export { ConformanceError } from "./conformance/errors.js";
export { checkDpaGate, type DpaGateCheckOptions } from "./conformance/dpa-gate.js";
export { withNetworkDisabled, NetworkDisabledError, type NetworkGuardResult } from "./conformance/network-guard.js";
export {
  collectSecrets,
  findSecrets,
  hideSecrets,
  startOutputCapture,
  type CollectSecretsOptions,
  type KnownSecret,
  type OutputCapture,
  type OutputCaptureOptions,
  type SecretLeak,
} from "./conformance/secrets.js";
// The sandbox kit, also importable alone as `@gtm-clarity/testkit/sandbox` (no vitest there) for run-time use.
export * from "./sandbox/index.js";
