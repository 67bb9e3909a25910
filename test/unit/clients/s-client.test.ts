import { describe, expect, it } from "vitest";
import { parseSClient } from "../../../harness/clients/s-client.ts";

const OK = `CONNECTED(00000003)
---
Acceptable client certificate CA names
CN = rootload Enterprise Client Issuing CA, O = rootload test enterprise, C = US
CN = 00000 rootload synthetic xxxx
Requested Signature Algorithms: RSA-PSS+SHA256
---
New, TLSv1.3, Cipher is TLS_AES_256_GCM_SHA384
`;

const FAILED = `CONNECTED(00000003)
40F7A9E1B07F0000:error:0A000438:SSL routines:ssl3_read_bytes:tlsv1 alert internal error:../ssl/record/rec_layer_s3.c:1593:SSL alert number 80
---
No client certificate CA names sent
---
New, (NONE), Cipher is (NONE)
`;

describe("parseSClient", () => {
  it("reads the advertised names in wire order", () => {
    const r = parseSClient(OK);
    expect(r.handshake).toBe("ok");
    expect(r.names).toHaveLength(2);
    expect(r.names![1]).toContain("00000 rootload synthetic");
  });

  it("reads a failed handshake and its alert", () => {
    const r = parseSClient(FAILED);
    expect(r.handshake).toBe("failed");
    expect(r.alert).toBe("internal error");
  });
});
