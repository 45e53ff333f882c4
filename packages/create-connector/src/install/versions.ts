/**
 * Version ranges a standalone package depends on, where the monorepo has `workspace:` links and shared tooling.
 * Our own packages' ranges come from their manifests, inlined when the scaffolder is built, so a release that bumps
 * core or testkit cannot leave scaffolds pinned to the version before it (on 0.x a caret range stops at the next
 * minor). A unit test keeps the third-party ranges in step with the monorepo's own manifests.
 */
import core from "@gtm-clarity/core/package.json" with { type: "json" };
import testkit from "@gtm-clarity/testkit/package.json" with { type: "json" };

export const STANDALONE_VERSIONS = {
  "@gtm-clarity/core": `^${core.version}`,
  "@gtm-clarity/testkit": `^${testkit.version}`,
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
