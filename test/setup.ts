import "reflect-metadata";

process.env.TESTCONTAINERS_RYUK_DISABLED = "true";
process.env.TESTCONTAINERS_HOST_OVERRIDE ??= "localhost";

import "../harness/testing/matchers.ts";
