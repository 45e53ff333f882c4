export { default } from "@gtm-clarity/eslint-config";
