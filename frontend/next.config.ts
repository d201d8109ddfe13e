import type { NextConfig } from "next";

// The console finds the API through its own /api/* route handler (app/api/[...path]),
// which reads HUB_API_URL at run time: `hub up` passes it, nothing is baked in at build.
const config: NextConfig = {
  output: "standalone",
  poweredByHeader: false,
  reactStrictMode: true,
  outputFileTracingRoot: import.meta.dirname,
};

export default config;
