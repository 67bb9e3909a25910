import { describe, expect, it } from "vitest";
import { nginxIncludes, parseNginx } from "../../../harness/config/nginx-syntax.ts";

describe("parseNginx: the one nginx tokenizer", () => {
  it("reads words, quotes, blocks and comments with the line each directive starts on", () => {
    const text = [
      "# comment include x.conf;",
      "http {",
      '  include "conf d/a.conf"; # trailing',
      "  server {",
      "    listen 443",
      "      ssl;",
      "    include 'b.conf';",
      "  }",
      "}",
      "include *.conf;",
    ].join("\n");
    const { directives, error } = parseNginx(text);
    expect(error).toBeUndefined();
    expect(directives.map((d) => [d.name, d.line])).toEqual([
      ["http", 2],
      ["include", 10],
    ]);
    const server = directives[0]!.block![1]!;
    expect(server.block![0]).toEqual({ name: "listen", args: ["443", "ssl"], line: 5 });
    expect(nginxIncludes(directives).map((d) => [d.args[0], d.line])).toEqual([
      ["conf d/a.conf", 3],
      ["b.conf", 7],
      ["*.conf", 10],
    ]);
  });

  it("says what nginx would about a missing ';', an unclosed block and a stray '}'", () => {
    expect(parseNginx("a b;\nlisten 443\n").error).toEqual({
      line: 2,
      message: '"listen" is missing its ";"',
    });
    expect(parseNginx("http {\n a b;\n").error?.message).toBe('unexpected end of file, expecting "}"');
    expect(parseNginx("a b;\n}\n").error).toEqual({ line: 2, message: 'unexpected "}"' });
  });
});
