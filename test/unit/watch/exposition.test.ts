import { describe, expect, it } from "vitest";
import { escapeLabelValue, exposition, formatValue } from "../../../harness/watch/exposition.ts";

describe("Prometheus text exposition (format 0.0.4)", () => {
  it("writes HELP, TYPE and one line per sample", () => {
    expect(
      exposition([
        {
          name: "rootload_advertised_bytes",
          help: "list length (bytes)",
          type: "gauge",
          samples: [
            { labels: { target: "api", tls: "1.2" }, value: 14_755 },
            { labels: { target: "api", tls: "1.3" }, value: 0 },
          ],
        },
        { name: "rootload_list_changes_total", help: "changes", type: "counter", samples: [] },
        { name: "up", help: "a\\b\nc", type: "gauge", samples: [{ labels: {}, value: 1 }] },
      ]),
    ).toBe(
      [
        "# HELP rootload_advertised_bytes list length (bytes)",
        "# TYPE rootload_advertised_bytes gauge",
        'rootload_advertised_bytes{target="api",tls="1.2"} 14755',
        'rootload_advertised_bytes{target="api",tls="1.3"} 0',
        "# HELP rootload_list_changes_total changes",
        "# TYPE rootload_list_changes_total counter",
        "# HELP up a\\\\b\\nc",
        "# TYPE up gauge",
        "up 1",
        "",
      ].join("\n"),
    );
  });

  it("escapes label values: backslash, double quote, line feed", () => {
    expect(escapeLabelValue('CN=a\\, "b"\nc')).toBe('CN=a\\\\, \\"b\\"\\nc');
    const text = exposition([
      { name: "m", help: "h", type: "gauge", samples: [{ labels: { issuer: 'O=A\\"B",CN=x' }, value: 1 }] },
    ]);
    expect(text.split("\n")[2]).toBe('m{issuer="O=A\\\\\\"B\\",CN=x"} 1');
  });

  it("writes special values as the format names them", () => {
    expect(
      [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -7_000, 0.25].map(formatValue),
    ).toEqual(["NaN", "+Inf", "-Inf", "-7000", "0.25"]);
  });

  it("refuses names the format does not allow", () => {
    expect(() => exposition([{ name: "rootload-x", help: "", type: "gauge", samples: [] }])).toThrow(
      /not valid/,
    );
    expect(() =>
      exposition([{ name: "m", help: "", type: "gauge", samples: [{ labels: { "a-b": "x" }, value: 1 }] }]),
    ).toThrow(/label name "a-b"/);
  });
});
