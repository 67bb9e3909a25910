import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { DIALOGUES } from "../../../harness/probe/starttls.ts";
import type { Dialogue, Step } from "../../../harness/probe/starttls-dialogue.ts";
import { imapCapabilities, readImapAnswer } from "../../../harness/probe/starttls-imap.ts";
import { LDAP_STARTTLS_REQUEST, readLdapExtendedResponse } from "../../../harness/probe/starttls-ldap.ts";
import { CLIENT_SSL, MYSQL_SSL_REQUEST, readMysqlGreeting } from "../../../harness/probe/starttls-mysql.ts";
import { readSmtpReply } from "../../../harness/probe/starttls-smtp.ts";
import type { PreludeCapture } from "../../fixtures/starttls/capture.ts";
import { repoRoot } from "../../support/repo-root.ts";

/** A capture of a real server's prelude (test/fixtures/starttls, from capture.ts). */
function capture(name: string): PreludeCapture {
  return JSON.parse(readFileSync(path.join(repoRoot, "test/fixtures/starttls", `${name}.json`), "utf8"));
}
const serverBytes = (c: PreludeCapture, i: number) => Buffer.from(c.exchanges[i]!.server, "hex");
const clientBytes = (line: string) =>
  line.startsWith("hex:") ? Buffer.from(line.slice(4), "hex") : Buffer.from(line, "latin1");

/**
 * Feed a dialogue the server's answers, each whole or one byte at a time (every prefix must read
 * as `more`), checking that what it sends is what the capture's client sent. Returns the last step.
 */
function replay(d: Dialogue, answers: Buffer[], bytewise: boolean, sent: Buffer[] = []): Step {
  let step: Step = { kind: "more" };
  for (const answer of answers) {
    if (bytewise)
      for (let n = 1; n < answer.length; n++) {
        const partial = d.read(answer.subarray(0, n));
        expect(partial.kind, `prefix of ${n} bytes of ${JSON.stringify(answer.toString("latin1"))}`).toBe(
          "more",
        );
      }
    step = d.read(answer);
    if (step.kind === "send") sent.push(step.data);
    else break;
  }
  return step;
}

const detail = (s: Step) => (s.kind === "refused" && "detail" in s.outcome ? s.outcome.detail : "");

describe("STARTTLS dialogues replay real servers' preludes", () => {
  for (const [name, protocol] of [
    ["smtp-exim-accepts", "smtp"],
    ["imap-dovecot-accepts", "imap"],
    ["ldap-slapd-accepts", "ldap"],
  ] as const)
    for (const bytewise of [false, true])
      it(`${name}: sends what the capture's client sent and takes TLS (${bytewise ? "byte by byte" : "whole answers"})`, () => {
        const c = capture(name);
        const d = DIALOGUES[protocol]();
        const sent: Buffer[] = d.opening ? [d.opening] : [];
        const answers = c.exchanges.map((_, i) => serverBytes(c, i));
        const last = replay(d, answers, bytewise, sent);
        expect(last).toEqual({ kind: "tls" });
        expect(sent.map((b) => b.toString("hex"))).toEqual(
          c.exchanges.flatMap((e) => (e.client === null ? [] : [clientBytes(e.client).toString("hex")])),
        );
      });

  it("LDAP: the hand-written ExtendedRequest is byte for byte what openssl s_client sends", () => {
    expect(`hex:${LDAP_STARTTLS_REQUEST.toString("hex")}`).toBe(
      capture("ldap-slapd-accepts").exchanges[0]!.client,
    );
    expect(LDAP_STARTTLS_REQUEST).toHaveLength(31);
  });

  it("SMTP: Exim without TLS offers no STARTTLS in its EHLO reply; its 503 to STARTTLS is named", () => {
    const c = capture("smtp-exim-refuses");
    const s = replay(DIALOGUES.smtp(), [serverBytes(c, 0), serverBytes(c, 1)], false);
    expect(s.kind === "refused" && s.outcome.class).toBe("no-certificate-request");
    expect(detail(s)).toBe(
      "server's EHLO reply offers no STARTTLS (extensions: SIZE, 8BITMIME, PIPELINING, PIPECONNECT, CHUNKING, SMTPUTF8, HELP)",
    );
    // A server that advertises STARTTLS and then refuses it: the accepting capture's first two
    // answers, then the refusing server's real 503.
    const ok = capture("smtp-exim-accepts");
    const t = replay(DIALOGUES.smtp(), [serverBytes(ok, 0), serverBytes(ok, 1), serverBytes(c, 2)], false);
    expect(t.kind === "refused" && t.outcome.class).toBe("no-certificate-request");
    expect(detail(t)).toBe('server answered STARTTLS with "503 STARTTLS command used when not advertised"');
  });

  it("IMAP: Dovecot without TLS lists no STARTTLS; its BAD to STARTTLS is named", () => {
    const c = capture("imap-dovecot-refuses");
    const s = replay(DIALOGUES.imap(), [serverBytes(c, 0), serverBytes(c, 1)], false);
    expect(s.kind === "refused" && s.outcome.class).toBe("no-certificate-request");
    expect(detail(s)).toMatch(/^server's CAPABILITY lists no STARTTLS \(IMAP4REV1 SASL-IR .* AUTH=PLAIN\)$/);
    const ok = capture("imap-dovecot-accepts");
    const t = replay(DIALOGUES.imap(), [serverBytes(ok, 0), serverBytes(ok, 1), serverBytes(c, 2)], false);
    expect(t.kind === "refused" && t.outcome.class).toBe("no-certificate-request");
    expect(detail(t)).toBe(`server answered STARTTLS with "BAD TLS support isn't enabled."`);
  });

  it("LDAP: slapd without TLS answers resultCode 2 (protocolError) with its diagnostic message", () => {
    const c = capture("ldap-slapd-refuses");
    const s = replay(DIALOGUES.ldap(), [serverBytes(c, 0)], true);
    expect(s.kind === "refused" && s.outcome.class).toBe("no-certificate-request");
    expect(detail(s)).toBe(
      'server refused StartTLS: resultCode 2 (protocolError): "unsupported extended operation"',
    );
  });
});

describe("STARTTLS dialogues name what a hostile server sends", () => {
  const smtp = capture("smtp-exim-accepts");
  const imap = capture("imap-dovecot-accepts");
  const ldapOk = serverBytes(capture("ldap-slapd-accepts"), 0);
  const malformed = (s: Step) => {
    expect(s.kind === "refused" && s.outcome.class, JSON.stringify(s)).toBe("malformed");
    return detail(s);
  };
  const alert = Buffer.from("15030300020228", "hex");

  it("bytes after the go-ahead, before TLS (the STARTTLS injection class), are malformed", () => {
    const extra = Buffer.concat([serverBytes(smtp, 2), Buffer.from("250 injected\r\n")]);
    expect(
      malformed(replay(DIALOGUES.smtp(), [serverBytes(smtp, 0), serverBytes(smtp, 1), extra], false)),
    ).toBe("server sent 14 bytes after its 220 reply to the SMTP STARTTLS command, before the client spoke");
    const extraImap = Buffer.concat([serverBytes(imap, 2), Buffer.from("* OK x\r\n")]);
    expect(
      malformed(replay(DIALOGUES.imap(), [serverBytes(imap, 0), serverBytes(imap, 1), extraImap], false)),
    ).toMatch(/8 bytes after its answer to the IMAP STARTTLS command/);
    expect(malformed(replay(DIALOGUES.ldap(), [Buffer.concat([ldapOk, Buffer.from([0x16])])], false))).toBe(
      "server sent 1 bytes after its StartTLS success, before TLS",
    );
  });

  it("a TLS alert or an HTTP answer instead of a greeting is malformed at once, not a timeout", () => {
    expect(malformed(DIALOGUES.smtp().read(alert))).toMatch(
      /^server answered the SMTP greeting with "\\x15\\x03/,
    );
    expect(malformed(DIALOGUES.imap().read(alert))).toMatch(/not the start of an IMAP response line/);
    expect(malformed(DIALOGUES.ldap().read(alert))).toMatch(/first byte 0x15\), not an LDAPMessage SEQUENCE/);
    expect(malformed(DIALOGUES.smtp().read(Buffer.from("HTTP/1.1 400 Bad Request\r\n\r\n")))).toBe(
      'server answered the SMTP greeting with "HTTP/1.1 400 Bad Request", not an SMTP reply line (ddd text)',
    );
    expect(malformed(DIALOGUES.imap().read(Buffer.from("HTTP/1.1 400 Bad Request\r\n")))).toMatch(
      /not an IMAP greeting/,
    );
  });

  it("a refused session is named by the server's own words", () => {
    const s = DIALOGUES.smtp().read(Buffer.from("554 5.3.2 rootload.test no SMTP service here\r\n"));
    expect(detail(s)).toBe('server greeted with "554 5.3.2 rootload.test no SMTP service here", not 220');
    const i = DIALOGUES.imap().read(Buffer.from("* BYE Too many connections\r\n"));
    expect(detail(i)).toBe('server greeted with "* BYE Too many connections"');
    const p = DIALOGUES.imap().read(Buffer.from("* PREAUTH ready\r\n"));
    expect(detail(p)).toBe('server greeted with "* PREAUTH ready"');
  });

  it("SMTP: a multiline reply whose code changes is malformed; an overlong line too", () => {
    expect(malformed(DIALOGUES.smtp().read(Buffer.from("220-a\r\n250 b\r\n")))).toMatch(
      /code changes from 220 to 250/,
    );
    expect(malformed(DIALOGUES.smtp().read(Buffer.from(`220 ${"x".repeat(9_000)}`)))).toMatch(
      /longer than 8192 bytes/,
    );
  });

  it("LDAP: the resultCode is read from the BER, not guessed from a byte offset", () => {
    // Long-form lengths (0x81 n) everywhere, a diagnostic message and a responseName: still resultCode 0.
    const oid = Buffer.from("1.3.6.1.4.1.1466.20037");
    const diag = Buffer.from("go on");
    const op = Buffer.concat([
      Buffer.from([0x0a, 0x01, 0x00, 0x04, 0x00, 0x04, diag.length]),
      diag,
      Buffer.from([0x8a, oid.length]),
      oid,
    ]);
    const msg = Buffer.concat([
      Buffer.from([0x30, 0x81, 3 + 3 + op.length, 0x02, 0x01, 0x01, 0x78, 0x81, op.length]),
      op,
    ]);
    const r = readLdapExtendedResponse(msg);
    expect(r).toEqual({
      kind: "response",
      response: {
        messageId: 1,
        resultCode: 0,
        diagnosticMessage: "go on",
        responseName: "1.3.6.1.4.1.1466.20037",
      },
      after: 0,
    });
    expect(DIALOGUES.ldap().read(msg)).toEqual({ kind: "tls" });
    // Every prefix is incomplete, never an error.
    for (let n = 0; n < msg.length; n++)
      expect(readLdapExtendedResponse(msg.subarray(0, n)).kind).toBe("more");
    // resultCode 52 (unavailable) in a two-byte ENUMERATED content would still be read right.
    const busy = Buffer.from(ldapOk);
    busy[9] = 52;
    expect(detail(DIALOGUES.ldap().read(busy))).toBe("server refused StartTLS: resultCode 52 (unavailable)");
  });

  it("LDAP: indefinite lengths, another messageID, another operation and a Notice of Disconnection", () => {
    expect(malformed(DIALOGUES.ldap().read(Buffer.from([0x30, 0x80, 0x02, 0x01, 0x01])))).toMatch(
      /indefinite BER length/,
    );
    const other = Buffer.from(ldapOk);
    other[4] = 2;
    expect(malformed(DIALOGUES.ldap().read(other))).toBe(
      "server answered the StartTLS request (messageID 1) with messageID 2",
    );
    const bind = Buffer.from(ldapOk);
    bind[5] = 0x61; // BindResponse [APPLICATION 1]
    expect(malformed(DIALOGUES.ldap().read(bind))).toMatch(/protocolOp tag 0x61, not an ExtendedResponse/);
    // RFC 4511 §4.4.1: messageID 0, resultCode 52, responseName 1.3.6.1.4.1.1466.20036.
    const oid = Buffer.from("1.3.6.1.4.1.1466.20036");
    const op = Buffer.concat([Buffer.from([0x0a, 0x01, 52, 0x04, 0x00, 0x04, 0x00, 0x8a, oid.length]), oid]);
    const notice = Buffer.concat([
      Buffer.from([0x30, 3 + 2 + op.length, 0x02, 0x01, 0x00, 0x78, op.length]),
      op,
    ]);
    expect(detail(DIALOGUES.ldap().read(notice))).toBe(
      "server sent a Notice of Disconnection, resultCode 52 (unavailable)",
    );
  });

  it("the readers split real answers into their parts", () => {
    const ehlo = readSmtpReply(serverBytes(smtp, 1));
    expect(ehlo.kind === "reply" && ehlo.reply.texts).toContain("STARTTLS");
    expect(ehlo.kind === "reply" && ehlo.reply.code).toBe(250);
    const caps = readImapAnswer(serverBytes(imap, 1), "a1");
    expect(caps.kind === "answer" && caps.answer.status).toBe("OK");
    expect(imapCapabilities(caps.kind === "answer" ? caps.answer.untagged : [])).toContain("STARTTLS");
    expect(imapCapabilities([`OK [CAPABILITY IMAP4rev1 starttls] ready`])).toEqual(["IMAP4REV1", "STARTTLS"]);
    // Bare LF line ends are accepted.
    expect(readSmtpReply(Buffer.from("220 hi\n")).kind).toBe("reply");
  });
});

describe("MySQL/MariaDB: the greeting, then the SSLRequest with no answer to wait for", () => {
  const accepts = serverBytes(capture("mysql-mariadb-accepts"), 0);
  const refuses = serverBytes(capture("mysql-mariadb-refuses"), 0);

  for (const bytewise of [false, true])
    it(`MariaDB 10.11's greeting with CLIENT_SSL: TLS after sending the SSLRequest (${bytewise ? "byte by byte" : "whole"})`, () => {
      expect(replay(DIALOGUES.mysql(), [accepts], bytewise)).toEqual({
        kind: "tls",
        send: MYSQL_SSL_REQUEST,
      });
    });

  it("the SSLRequest is openssl s_client -starttls mysql's: 36 bytes, payload 32, sequence 1, CLIENT_SSL set", () => {
    expect(MYSQL_SSL_REQUEST.toString("hex")).toBe(
      `200000018 5ae7f0000000001 21${"00".repeat(23)}`.replace(/ /g, ""),
    );
    expect(MYSQL_SSL_REQUEST.readUInt32LE(4) & CLIENT_SSL).toBe(CLIENT_SSL);
  });

  it("reads the captured greeting's fields", () => {
    const r = readMysqlGreeting(accepts);
    expect(r).toMatchObject({
      kind: "greeting",
      after: 0,
      greeting: { serverVersion: "5.5.5-10.11.19-MariaDB-0+deb12u1" },
    });
    expect(r.kind === "greeting" && (r.greeting.capabilities & 0xffff).toString(16)).toBe("fffe");
  });

  it("a server without TLS configured (CLIENT_SSL clear) is refused, named by its version", () => {
    const s = replay(DIALOGUES.mysql(), [refuses], false);
    expect(s.kind === "refused" && s.outcome.class).toBe("no-certificate-request");
    expect(detail(s)).toBe(
      'server "5.5.5-10.11.19-MariaDB-0+deb12u1" offers no TLS (CLIENT_SSL not in its capabilities 0x81fff7fe)',
    );
  });

  it("an ERR packet instead of the greeting is a refusal with the server's code and words", () => {
    const msg = Buffer.from("Too many connections");
    const err = Buffer.concat([Buffer.from([3 + msg.length, 0, 0, 0, 0xff, 0x10, 0x04]), msg]);
    const s = DIALOGUES.mysql().read(err);
    expect(s.kind === "refused" && s.outcome.class).toBe("no-certificate-request");
    expect(detail(s)).toBe('server refused the connection with MySQL error 1040: "Too many connections"');
  });

  it("hostile greetings are malformed at once: bytes after it, a TLS alert, an HTTP answer, a wrong version", () => {
    const malformed = (s: Step) => {
      expect(s.kind === "refused" && s.outcome.class, JSON.stringify(s)).toBe("malformed");
      return detail(s);
    };
    expect(malformed(DIALOGUES.mysql().read(Buffer.concat([accepts, Buffer.from([0x16, 0x03])])))).toBe(
      "server sent 2 bytes after its MySQL greeting, before the client spoke",
    );
    // A TLS alert's first three bytes read as a 0x000315-byte packet (197,397 bytes): past the bound at once.
    expect(malformed(DIALOGUES.mysql().read(Buffer.from("150303", "hex")))).toMatch(
      /a first packet of 197397 bytes/,
    );
    expect(malformed(DIALOGUES.mysql().read(Buffer.from("HTTP/1.1 400 Bad Request\r\n")))).toMatch(
      /a first packet of \d+ bytes .*HTTP\/1.1 400/,
    );
    const v9 = Buffer.from(accepts);
    v9[4] = 9;
    expect(malformed(DIALOGUES.mysql().read(v9))).toMatch(/protocol version 9, not 10/);
    expect(malformed(DIALOGUES.mysql().read(Buffer.from([5, 0, 0, 1, 10, 0, 0, 0, 0])))).toMatch(
      /sequence id 1, not 0/,
    );
    expect(malformed(DIALOGUES.mysql().read(Buffer.from([5, 0, 0, 0, 10, 0x41, 0, 1, 2])))).toMatch(
      /cut before its capability flags/,
    );
  });
});
