import { askWithoutCertificate } from "../clients/application-answer.ts";
import type { TlsClient } from "../clients/tls-client.ts";
import { messageOf } from "../errors.ts";
import { log } from "../log.ts";
import { defaultApplication } from "../model/application.ts";
import type { CaseResult } from "../model/case-result.ts";
import type { Outcome } from "../model/outcome.ts";
import type { TestPki } from "../pki/test-pki.ts";
import type { BenchSpec, Expectation } from "../scenario/define-scenario.ts";
import { advertisedFacts, caseFacts } from "./case-facts.ts";
import { certificateRequirement, judgeWithoutCertificate, needsAnswer } from "./certificate-verdict.ts";
import { evaluate } from "./expectations.ts";
import { measureLatency } from "./measure-latency.ts";
import { assignSide, probeSide } from "./outcome-side.ts";
import { type RunPhases, timed } from "./phases.ts";
import { casePolicyName, type PlannedCase } from "./plan.ts";
import type { ProbeFn, ServerSession } from "./server-session.ts";

/** What a case needs besides its session, probe and client. */
export interface CaseContext {
  pki: TestPki;
  /** Per-handshake network timeout, ms. */
  timeoutMs: number;
  /** Sample latency after a good handshake; false: functional only (no window is taken). */
  latency?: boolean;
  bench?: BenchSpec;
  expect?: readonly Expectation[];
  phases: RunPhases;
  /**
   * Run the latency sample in an exclusive window: the series' shared hold on the run is given up,
   * the window waits for every other series to be between steps and for the run to go quiet (see
   * SamplingWindows). Absent: sampled at once (nothing else runs).
   */
  exclusive?: <T>(work: () => Promise<T>) => Promise<T>;
}

/**
 * Run one planned case: bring the session's server to the case's step and policy, take the
 * served check with the probe, hand-shake with the client, sample latency when that worked (and
 * the run measures latency).
 * Never throws for a server that fails: that is a `server-error` result.
 */
export async function runCase(
  session: ServerSession,
  probe: ProbeFn,
  client: TlsClient,
  c: PlannedCase,
  ctx: CaseContext,
): Promise<CaseResult> {
  const startedAt = new Date();
  const t0 = performance.now();
  const base = {
    id: c.id,
    planIndex: c.planIndex,
    server: c.driver,
    tls: c.tls,
    client: c.client,
    clientName: c.clientSpec.name,
    selection: c.clientSpec.selection,
    policy: casePolicyName(c),
    step: { index: c.step.index, label: c.step.label },
    ...caseFacts(session.spec, c),
    startedAt: startedAt.toISOString(),
  };
  let skipped: readonly string[] = [];
  const finish = (rest: Omit<CaseResult, keyof typeof base | "durationMs">): CaseResult => {
    const result: CaseResult = { ...base, ...rest, durationMs: Math.round(performance.now() - t0) };
    if (ctx.expect?.length) result.expectations = evaluate(ctx.expect, result);
    if (skipped.length) result.skippedChecks = [...skipped];
    return result;
  };

  let server: Awaited<ReturnType<ServerSession["serve"]>>;
  try {
    server = await session.serve(c.step, c.policy);
  } catch (err) {
    // Drivers put the server's last output after the first line: keep it as the log tail.
    const [first, ...rest] = messageOf(err).split("\n");
    const outcome: Outcome = { class: "server-error", detail: first!, side: "server" };
    const tail = rest.join("\n").trim();
    return finish({
      advertised: null,
      clientIssuerAdvertised: null,
      probeOutcome: outcome,
      outcome,
      ...(tail ? { serverLogTail: rest.slice(-20).join("\n") } : {}),
    });
  }

  skipped = session.skippedChecks;
  const served = await session.served(c.tls, probe);
  const wire = served.certificateRequest?.authorities.map((a) => a.der);
  const compared = advertisedFacts(session.spec, c, served, ctx.pki.clientIssuerEntry.subjectDer);

  const handshakeOptions = {
    host: server.host,
    port: server.port,
    tls: c.tls,
    pki: ctx.pki,
    ...(wire ? { advertised: wire } : {}),
    timeoutMs: ctx.timeoutMs,
    legacy: c.clientSpec.name === "forge",
    ...(session.spec.driver === "endpoint" && session.spec.sni ? { sni: session.spec.sni } : {}),
    ...(server.starttls ? { starttls: server.starttls } : {}),
    application: server.application ?? defaultApplication(server.starttls),
  };
  const hs = await timed(ctx.phases, "handshake", () => client.handshake(handshakeOptions));
  // Who failed, judged from both sides: the probe's read of the flight and the client's outcome.
  const sided = assignSide(hs.outcome, served.outcome, served.certificateRequest?.violations);
  const requirement = certificateRequirement(session.spec);
  // The handshake ended without the client's certificate: ask the application what such a client gets.
  const answer = needsAnswer(sided, hs.certificate, requirement)
    ? await askWithoutCertificate({
        host: server.host,
        port: server.port,
        tls: c.tls,
        ...(session.spec.driver === "endpoint" && session.spec.sni ? { sni: session.spec.sni } : {}),
        ...(server.starttls ? { starttls: server.starttls } : {}),
        application: server.application ?? defaultApplication(server.starttls),
      })
    : undefined;
  let outcome = judgeWithoutCertificate({
    outcome: sided,
    certificate: hs.certificate,
    requirement,
    clientIssuerAdvertised: compared.clientIssuerAdvertised,
    server: c.driver,
    ...(answer ? { answer } : {}),
  });
  let serverLogTail: string | undefined;
  // A refused connection means the server stopped listening even if its process (or container)
  // lives on, e.g. after a reload it could not apply: restart it for the next case.
  if (
    outcome.class === "server-error" ||
    (outcome.class !== "ok" && outcome.class !== "client-unavailable" && !(await session.isRunning()))
  ) {
    serverLogTail = await session.logTail();
    const running = await session.isRunning();
    const was = "detail" in outcome && outcome.detail ? `${outcome.class}: ${outcome.detail}` : outcome.class;
    outcome = {
      class: "server-error",
      side: "server",
      detail: running
        ? `server stopped listening (${was}); restarted for the next case`
        : `server exited during the case (${was})`,
    };
    await session.drop();
  }
  let latency: CaseResult["latency"];
  if (outcome.class === "ok" && ctx.latency !== false) {
    const sample = () =>
      timed(ctx.phases, "latency", () =>
        measureLatency(async () => {
          const h = await client.handshake(handshakeOptions);
          return {
            ok: h.outcome.class === "ok",
            ms: h.ms,
            ...(h.timedFrom === "process-start" ? { includesProcessStart: true as const } : {}),
          };
        }, ctx.bench),
      );
    const m = await (ctx.exclusive ? ctx.exclusive(sample) : sample());
    if ("error" in m)
      log.warn({ case: c.id, error: m.error }, "latency sampling failed after a good handshake");
    else latency = m;
  } else if (!serverLogTail) {
    serverLogTail = await session.logTail();
  }
  return finish({
    ...compared,
    probeOutcome: probeSide(served.outcome),
    outcome,
    ...(hs.certificate ? { clientCertificate: hs.certificate } : {}),
    ...(latency ? { latency } : {}),
    ...(serverLogTail ? { serverLogTail } : {}),
  });
}
