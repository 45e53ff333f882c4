import base from "@gtm-clarity/eslint-config";

export default [{ ignores: [".next/**", "next-env.d.ts", "artifacts/**"] }, ...base];
