/**
 * Version ranges a standalone package depends on, where the monorepo has `workspace:` links and shared tooling.
 * A unit test keeps these in step with the monorepo's own manifests.
 */
export const STANDALONE_VERSIONS = {
  "@gtm-clarity/core": "^0.1.0",
  "@gtm-clarity/testkit": "^0.1.0",
  zod: "^4.6.7",
  "@eslint/js": "^9.39.1",
  "@types/node": "^20.19.0",
  eslint: "^9.39.5",
  publint: "^0.3.25",
  tsup: "^8.5.1",
  tsx: "^4.23.15",
  typescript: "5.9.3",
  "typescript-eslint": "^8.73.0",
  vitest: "^4.1.12",
} as const;
