import { describe, expect, it } from "vitest";
import { clientTable } from "../../../harness/clients/client-table.ts";
import { CLIENT_NAMES } from "../../../harness/model/names.ts";

describe("client capability table", () => {
  it("has a STARTTLS column: the preludes each client runs, or none", () => {
    const md = clientTable({ node: "node 20" });
    const rows = md.split("\n").filter((l) => l.startsWith("| **"));
    expect(rows).toHaveLength(CLIENT_NAMES.length);
    expect(md).toContain("| selection | STARTTLS | limits found |");
    expect(rows.find((r) => r.startsWith("| **openssl**"))).toContain(
      "| postgres, smtp, imap, ldap, mysql |",
    );
    expect(rows.find((r) => r.startsWith("| **java**"))).toContain(
      "| none (a scenario pairing it with a STARTTLS server is refused) |",
    );
  });
});
