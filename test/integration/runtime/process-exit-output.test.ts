import { afterAll, describe, expect, it } from "vitest";
import { ProcessRuntime } from "../../../harness/runtime/process-runtime.ts";

// A server that fails at once (`nginx -t` on a bad config) exits while the runtime still writes
// its pid record. Node resumes a child's unread pipes when it exits and drops what they held, so
// output read only after those awaits was sometimes lost: the run ended with an engine error
// (exit 3, "output:" and nothing) instead of the server's own complaint (exit 2). CI failed on
// it, about 3 runs in 20 on a quiet machine. Many launches make the race show if it comes back.
describe("a server that exits at once (process runtime)", () => {
  const runtime = new ProcessRuntime();
  afterAll(() => runtime.close());

  it("its complaint is in the error, every time", async () => {
    const messages: string[] = [];
    for (let i = 0; i < 40; i++) {
      const dir = await runtime.makeDir("exit-at-once");
      const err = await runtime
        .launch({
          name: "exit-at-once",
          dir,
          argv: ["sh", "-c", `echo "unknown directive \\"ssl_verify_clients\\" ($i)" >&2; exit 1`],
          ready: { log: /test is successful/, timeoutMs: 10_000 },
          port: 1,
        })
        .then(
          () => undefined,
          (e: Error) => e.message,
        );
      messages.push(err ?? "started");
    }
    expect(messages.filter((m) => !/exited before log message.*\n.*unknown directive/s.test(m))).toEqual([]);
  }, 120_000);
});
