import type { NextConfig } from "next";

/**
 * Built with webpack (`next build --webpack`): the workspace packages export TypeScript sources whose imports say
 * `./x.js`, which Turbopack cannot map to `./x.ts` yet (vercel/next.js#82945); webpack's extensionAlias can.
 * Packages with native parts, WebAssembly or dynamic requires stay outside the bundle.
 */
const config: NextConfig = {
  transpilePackages: [
    "@gtm-clarity/core",
    "@gtm-clarity/store",
    "@gtm-clarity/testkit",
    "@gtm-clarity/worker",
    "@gtm-clarity/connector-customerio",
    "@gtm-clarity/connector-delivr",
    "@gtm-clarity/connector-fathom",
    "@gtm-clarity/connector-o365",
    "@gtm-clarity/connector-salesforce",
  ],
  serverExternalPackages: ["@electric-sql/pglite", "pg", "@temporalio/client", "@temporalio/common", "@temporalio/activity", "@azure/msal-node"],
  // `pnpm --filter @gtm-clarity/web typecheck` runs next typegen + tsc; the build need not check types again.
  typescript: { ignoreBuildErrors: true },
  poweredByHeader: false,
  webpack(webpackConfig: { resolve?: { extensionAlias?: Record<string, string[]> } }) {
    webpackConfig.resolve ??= {};
    webpackConfig.resolve.extensionAlias = { ".js": [".ts", ".tsx", ".js"], ".mjs": [".mts", ".mjs"] };
    return webpackConfig;
  },
};

export default config;
