#!/usr/bin/env node
// Entry for `pnpm exec worker` / the package bin: loads the TypeScript CLI through tsx (the app runs from source).
import process from "node:process";
import { register } from "tsx/esm/api";

register();
const { exitQuietlyOnClosedPipe, main } = await import("../src/cli.ts");
exitQuietlyOnClosedPipe();
process.exitCode = await main(process.argv.slice(2));
