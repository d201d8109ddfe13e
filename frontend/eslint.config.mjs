import next from "eslint-config-next/core-web-vitals";
import ts from "eslint-config-next/typescript";

const config = [
  ...next,
  ...ts,
  { ignores: [".next/**", "node_modules/**", "lib/api-schema.ts", "test-results/**", "playwright-report/**", "next-env.d.ts"] },
];
export default config;
