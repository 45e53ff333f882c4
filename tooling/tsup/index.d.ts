import type { Options } from "tsup";

export interface PackageBuildOptions {
  /** Entry points, e.g. `["src/index.ts", "src/cli.ts"]`. */
  entry: string[];
  /** Entries that get declarations; default: all of them. */
  dts?: string[];
  /** Imports left out of the bundle. */
  external?: string[];
}

export declare function definePackageBuild(options: PackageBuildOptions): Options;
