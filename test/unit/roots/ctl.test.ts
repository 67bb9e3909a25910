import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DerError, parseCtl } from "../../../harness/roots/ctl.ts";
import { filetimeToIso } from "../../../harness/roots/filetime.ts";
import { dataPath } from "./data.ts";

const STL = readFileSync(dataPath("microsoft", "2025-06-16", "authroot.stl"));
const STL_2012 = readFileSync(dataPath("microsoft", "2012-11-02", "authroot.stl"));

describe("CTL decoder", () => {
  it("decodes all attribute kinds of the 2025-06 CTL", () => {
    const ctl = parseCtl(STL);
    expect(ctl.digestAlgorithm).toBe("sha256");
    expect(parseCtl(STL_2012).digestAlgorithm).toBe("sha1");
    expect(ctl.subjectAlgorithm).toBe("1.3.14.3.2.26");
    const first = ctl.subjects[0]!;
    expect(first).toMatchObject({
      sha1: "cdd4eeae6000ac7f40c3802c171e30148030c072",
      friendlyName: "Microsoft Root Certificate Authority",
      disallowedSince: "2021-08-01T00:00:00.000Z",
      notBefore: "2017-04-30T00:00:00.000Z",
      rootProgramFlags: ["1.3.6.1.4.1.311.60.3.2"],
      subjectNameMd5: "f0c402f0404ea9adbf25a03ddf2ca6fa",
      keyId: "0eac826040562797e52513fc2ae10a539559e4a4",
      sha256: "885de64c340e3ea70658f01e1145f957fcda27aabeea1ab9faa9fdb0102d4077",
    });
    const withEv = ctl.subjects.filter((s) => s.evPolicies);
    expect(withEv.length).toBeGreaterThan(100);
    expect(withEv.every((s) => s.evPolicies!.every((o) => /^\d+(\.\d+)+$/.test(o)))).toBe(true);
    expect(ctl.subjects.some((s) => s.notBeforeEkus?.length)).toBe(true);
    expect(ctl.subjects.some((s) => s.disallowedEkus?.length)).toBe(true);
  });

  it("reports a tampered signature or content as invalid, naming why", () => {
    const sigAt = STL.length - 256; // the RSA-2048 encryptedDigest is the last 256 bytes
    const sig = Buffer.from(STL);
    sig[sigAt + 10] = sig[sigAt + 10]! ^ 1;
    expect(parseCtl(sig)).toMatchObject({
      signature: "invalid",
      signatureProblem: "signature does not verify",
    });

    const md = Buffer.from(STL);
    const mdOid = Buffer.from("06092a864886f70d010904", "hex"); // messageDigest attribute type
    const at = md.indexOf(mdOid) + mdOid.length + 4; // SET hdr (2) + OCTET STRING hdr (2)
    md[at] = md[at]! ^ 1;
    expect(parseCtl(md)).toMatchObject({
      signature: "invalid",
      signatureProblem: "messageDigest does not match the CTL content",
    });

    const content = Buffer.from(STL);
    const fn = content.indexOf(Buffer.from("Microsoft Root Certificate Authority", "utf16le"));
    content[fn] = 0x4e; // "M" → "N" inside the signed CTL
    const r = parseCtl(content);
    expect(r.signature).toBe("invalid");
    expect(r.subjects[0]!.friendlyName).toBe("Nicrosoft Root Certificate Authority");
  });

  it("throws DerError naming the field for structural damage", () => {
    const noSubjectId = Buffer.from(STL);
    // First TrustedSubject's 20-byte OCTET STRING (offset 132 in this file) made 19 bytes long.
    expect(noSubjectId[132]).toBe(0x04);
    noSubjectId[133] = 19;
    expect(() => parseCtl(noSubjectId)).toThrow(DerError);
    expect(() => parseCtl(noSubjectId)).toThrow(/trustedSubjects\[0\]/);
    expect(() => parseCtl(new Uint8Array(0))).toThrow(/empty/);
    expect(() => parseCtl(Buffer.concat([STL, Buffer.from([0])]))).toThrow(/1 trailing bytes/);
  });

  it("converts FILETIMEs, including the empty value Windows reads as 0", () => {
    expect(filetimeToIso(Buffer.from("0080c82b6886d701", "hex"))).toBe("2021-08-01T00:00:00.000Z");
    expect(filetimeToIso(new Uint8Array(0))).toBe("1601-01-01T00:00:00.000Z");
    expect(() => filetimeToIso(new Uint8Array(3))).toThrow(RangeError);
  });
});
