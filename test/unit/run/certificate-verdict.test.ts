import { describe, expect, it } from "vitest";
import { judgeAnswer } from "../../../harness/clients/application-answer.ts";
import { certificateRequirement, judgeWithoutCertificate } from "../../../harness/run/certificate-verdict.ts";

const none = { sent: false, issuersSeen: 97 };

describe("a completed handshake without the client's certificate", () => {
  it("is not ok when the server requires one: the list that cut the issuer is the server's fault", () => {
    const o = judgeWithoutCertificate({
      outcome: { class: "ok" },
      certificate: none,
      requirement: "require",
      clientIssuerAdvertised: false,
      server: "nginx",
    });
    expect(o).toMatchObject({ class: "issuer-not-advertised", side: "server" });
    expect((o as { detail: string }).detail).toContain("chose none for 97 advertised names");
  });

  it("is not ok when nobody knows what the server requires (endpoint, template): not measured", () => {
    const o = judgeWithoutCertificate({
      outcome: { class: "ok" },
      certificate: none,
      requirement: "unknown",
      clientIssuerAdvertised: true,
      server: "endpoint",
    });
    expect(o).toMatchObject({ class: "issuer-not-advertised", side: "client" });
    expect((o as { detail: string }).detail).toContain("was not measured");
  });

  it("stays ok for clientAuth optional, for a client that sent its certificate, and for one that does not tell", () => {
    const base = { outcome: { class: "ok" } as const, clientIssuerAdvertised: false, server: "nginx" };
    expect(judgeWithoutCertificate({ ...base, certificate: none, requirement: "optional" })).toEqual({
      class: "ok",
    });
    expect(
      judgeWithoutCertificate({
        ...base,
        certificate: { sent: true, issuersSeen: 3 },
        requirement: "require",
      }),
    ).toEqual({ class: "ok" });
    expect(judgeWithoutCertificate({ ...base, certificate: undefined, requirement: "require" })).toEqual({
      class: "ok",
    });
  });

  it("leaves a failure as it was", () => {
    const failed = { class: "server-alert", alert: "handshake_failure", side: "server" } as const;
    expect(
      judgeWithoutCertificate({
        outcome: failed,
        certificate: none,
        requirement: "require",
        clientIssuerAdvertised: false,
        server: "openssl",
      }),
    ).toBe(failed);
  });

  it("knows the requirement only for servers rootload configures", () => {
    expect(certificateRequirement({ driver: "nginx" })).toBe("require");
    expect(certificateRequirement({ driver: "nginx", clientAuth: "optional" })).toBe("optional");
    expect(certificateRequirement({ driver: "nginx", config: "my.conf" })).toBe("unknown");
    expect(certificateRequirement({ driver: "endpoint", address: "127.0.0.1:443" })).toBe("unknown");
  });

  it("the application's answer decides: refused is named in the detail, let in is ok", () => {
    const base = {
      outcome: { class: "ok" } as const,
      certificate: none,
      clientIssuerAdvertised: false,
      server: "endpoint",
      requirement: "unknown" as const,
    };
    const refused = judgeWithoutCertificate({
      ...base,
      answer: { kind: "refused", text: "HTTP/1.1 400 Bad Request: No required SSL certificate was sent" },
    });
    expect(refused).toMatchObject({ class: "issuer-not-advertised", side: "server" });
    expect((refused as { detail: string }).detail).toContain("answered: HTTP/1.1 400 Bad Request");
    expect(judgeWithoutCertificate({ ...base, answer: { kind: "let-in", text: "HTTP/1.1 200 OK" } })).toEqual(
      {
        class: "ok",
      },
    );
  });
});

describe("judgeAnswer", () => {
  // nginx 1.22's answer to a client without a certificate under ssl_verify_client on (captured).
  const nginx400 = Buffer.from(
    "HTTP/1.1 400 Bad Request\r\nServer: nginx/1.22.1\r\nContent-Type: text/html\r\nConnection: close\r\n\r\n" +
      "<html>\r\n<head><title>400 No required SSL certificate was sent</title></head>\r\n<body>\r\n" +
      "<center><h1>400 Bad Request</h1></center>\r\n<center>No required SSL certificate was sent</center>\r\n",
  );
  it("reads HTTP refusals, other answers and PostgreSQL's first message", () => {
    expect(judgeAnswer(nginx400, "http")).toEqual({
      kind: "refused",
      text: "HTTP/1.1 400 Bad Request: No required SSL certificate was sent",
    });
    expect(judgeAnswer(Buffer.from("HTTP/1.0 200 ok\r\n\r\nhello"), "http")).toMatchObject({
      kind: "let-in",
    });
    expect(judgeAnswer(Buffer.from("GET / HTTP/1.0\r\n"), "http")).toMatchObject({ kind: "unknown" });
    expect(judgeAnswer(Buffer.alloc(0), "http")).toBeUndefined();
    const authOk = Buffer.from([0x52, 0, 0, 0, 8, 0, 0, 0, 0]);
    expect(judgeAnswer(authOk, "postgres")).toMatchObject({ kind: "let-in" });
  });

  it("reads MariaDB's answer to the login: ERR 1045 refuses, an OK packet lets in", () => {
    const msg = Buffer.from("#28000Access denied for user 'rootload'@'127.0.0.1' (using password: NO)");
    const err = Buffer.concat([Buffer.from([3 + msg.length, 0, 0, 3, 0xff, 0x15, 0x04]), msg]);
    expect(judgeAnswer(err, "mysql")).toEqual({
      kind: "refused",
      text: "ERR 1045 (28000): Access denied for user 'rootload'@'127.0.0.1' (using password: NO)",
    });
    expect(judgeAnswer(err.subarray(0, 10), "mysql")).toBeUndefined();
    const ok = Buffer.from([7, 0, 0, 3, 0, 0, 0, 2, 0, 0, 0]);
    expect(judgeAnswer(ok, "mysql")).toMatchObject({ kind: "let-in" });
  });
});
