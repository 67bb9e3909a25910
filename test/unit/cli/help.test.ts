import { describe, expect, it, vi } from "vitest";
import { type CommandSpec, type OptionSpec, parseCommandArgs } from "../../../harness/args.ts";
import { CHECK } from "../../../harness/cli/check-command.ts";
import { COMPARE } from "../../../harness/cli/compare-command.ts";
import { main } from "../../../harness/cli/index.ts";
import { INIT } from "../../../harness/cli/init-command.ts";
import { MERGE } from "../../../harness/cli/merge-command.ts";
import { PROBE } from "../../../harness/cli/probe-command.ts";
import { REPORT } from "../../../harness/cli/report-command.ts";
import { ROOTS_EXPORT, ROOTS_FETCH, ROOTS_INSPECT, ROOTS_LIST } from "../../../harness/cli/roots-command.ts";
import { RUN } from "../../../harness/cli/run-command.ts";
import { WATCH } from "../../../harness/cli/watch-command.ts";
import { InputError } from "../../../harness/errors.ts";

/** Run the CLI in-process, capturing stdout and stderr. */
async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const o = vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
    out += String(chunk);
    return true;
  });
  const e = vi.spyOn(process.stderr, "write").mockImplementation((chunk) => {
    err += String(chunk);
    return true;
  });
  try {
    return { code: await main(argv), out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

const SPECS: CommandSpec<Record<string, OptionSpec>>[] = [
  RUN,
  PROBE,
  MERGE,
  COMPARE,
  REPORT,
  CHECK,
  INIT,
  ROOTS_INSPECT,
  ROOTS_EXPORT,
  ROOTS_LIST,
  ROOTS_FETCH,
  WATCH,
];

describe("every command answers --help with its options", () => {
  it("the CLI's own list names every command, and each has a declaration here", async () => {
    const r = await cli("--help");
    const listed = [...r.out.matchAll(/^ {2}(\w+) /gm)].map((m) => m[1]);
    expect(listed.sort()).toEqual([
      "check",
      "compare",
      "init",
      "merge",
      "probe",
      "report",
      "roots",
      "run",
      "watch",
    ]);
    expect(new Set(SPECS.map((s) => s.name.split(" ")[0]))).toEqual(new Set(listed));
  });

  for (const spec of SPECS)
    it(`rootload ${spec.name} --help and -h: usage, what it does, and every declared option, exit 0`, async () => {
      for (const flag of ["--help", "-h"]) {
        const r = await cli(...spec.name.split(" "), flag);
        expect(r.code, r.err).toBe(0);
        expect(r.err).toBe("");
        expect(r.out).toMatch(new RegExp(`^usage: rootload ${spec.name} `));
        expect(r.out).toContain(spec.about.split("\n")[0]);
        for (const [name, o] of Object.entries(spec.options)) {
          const line = r.out.split("\n").find((l) => l.includes(`--${name}`));
          expect(line, `--${name} in rootload ${spec.name} --help`).toBeDefined();
          if (o.short) expect(line).toContain(`-${o.short}, --${name}`);
        }
        expect(r.out).toContain("-h, --help");
      }
    });

  it("the parser reads exactly the declared options (the help cannot list one it refuses)", () => {
    for (const spec of SPECS) {
      for (const [name, o] of Object.entries(spec.options)) {
        const args = o.type === "string" ? [`--${name}`, "x"] : [`--${name}`];
        const { values } = parseCommandArgs(spec, args);
        expect((values as Record<string, unknown>)[name], `${spec.name} --${name}`).toEqual(
          o.type === "string" ? (o.multiple ? ["x"] : "x") : true,
        );
      }
      expect(() => parseCommandArgs(spec, ["--no-such-option"])).toThrow(InputError);
    }
  });

  it("an unknown option is still a one-line error naming the command, exit 2", async () => {
    const r = await cli("probe", "--nope", "127.0.0.1:1");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^rootload probe: Unknown option '--nope'/);
    expect(r.err.trim().split("\n")).toHaveLength(1);
  });
});
