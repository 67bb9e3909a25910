import { EngineError, exitCodeOf, InputError, messageOf } from "../errors.ts";
import type { Command } from "./command.ts";

const COMMANDS: Record<string, { summary: string; load: () => Promise<Command> }> = {
  run: {
    summary: "run a scenario: servers × root-list sizes × TLS versions × clients; write results and reports",
    load: async () => (await import("./run-command.ts")).runCommand,
  },
  merge: {
    summary: "join the shards of one scenario's run into one run directory",
    load: async () => (await import("./merge-command.ts")).mergeCommand,
  },
  roots: {
    summary:
      "list, fetch, inspect or export root stores (CTL, PEM, certdata.txt, directory, builtin, microsoft:latest...)",
    load: async () => (await import("./roots-command.ts")).rootsCommand,
  },
  report: {
    summary: "render a run directory as md, html, junit or json",
    load: async () => (await import("./report-command.ts")).reportCommand,
  },
  compare: {
    summary: "compare a run with a baseline run; exit 1 on regression",
    load: async () => (await import("./compare-command.ts")).compareCommand,
  },
  init: {
    summary: "write a starter scenario for your nginx/HAProxy config (as a template) or a running endpoint",
    load: async () => (await import("./init-command.ts")).initCommand,
  },
  check: {
    summary:
      "predict, without a server, what a CA bundle or server config breaks (servers, clients, TLS 1.2/1.3)",
    load: async () => (await import("./check-command.ts")).checkCommand,
  },
  probe: {
    summary: "read a server's CertificateRequest (CA names, sizes) with the wire probe",
    load: async () => (await import("./probe-command.ts")).default,
  },
  watch: {
    summary:
      "probe running servers' CertificateRequests on an interval; serve Prometheus metrics, log each change",
    load: async () => (await import("./watch-command.ts")).watchCommand,
  },
};

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(9)} ${c.summary}`);
  return `usage: rootload <command> [options]\n\ncommands:\n${lines.join("\n")}\n`;
}

/**
 * Entry point. Exit codes: 0 ok, 1 expectations failed / nothing read, 2 bad input,
 * 3 engine or server error. Known errors print one line; harness bugs print a stack.
 */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    process.stdout.write(usage());
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`rootload: unknown command "${name}"; one of ${Object.keys(COMMANDS).join(", ")}\n`);
    return 2;
  }
  try {
    return await (await command.load())(rest);
  } catch (err) {
    if (err instanceof InputError || err instanceof EngineError) {
      // Errors that already name the command (`rootload probe --tls: ...`) are printed as they are.
      const text = messageOf(err);
      process.stderr.write(text.startsWith("rootload ") ? `${text}\n` : `rootload ${name}: ${text}\n`);
    } else {
      process.stderr.write(
        `rootload ${name}: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
      );
    }
    return exitCodeOf(err);
  }
}
