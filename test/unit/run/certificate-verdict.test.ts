import { describe, expect, it } from "vitest";
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
});
