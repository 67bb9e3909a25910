import type { CaseResult } from "../model/case-result.ts";
import {
  type BisectEnd,
  bisectCaseId,
  bisectFacts,
  bisection,
  bisectStepLabel,
  type PlannedBisect,
} from "./bisect.ts";
import type { PlannedCase } from "./plan.ts";
import type { StepMaker } from "./root-steps.ts";

/** What a bisected series needs from the runner around it. */
export interface BisectDeps {
  stepAt: StepMaker;
  /** Cases already in the run's log (a resumed run), by id: used instead of running them again. */
  recorded: ReadonlyMap<string, CaseResult>;
  /** Run one planned case; undefined when the run was interrupted (the result is dropped). */
  run: (planned: PlannedCase) => Promise<CaseResult | undefined>;
  /** Keep a finished case (append it to the log). */
  keep: (result: CaseResult, planned: PlannedCase) => void;
}

/**
 * Search one bisected series: probe `from`, `to`, then midpoints, reloading the server at each
 * size (ServerSession reloads when the step changes) and running the series' clients there, until
 * the boundary is one unit wide. A size is past the boundary when a judged client's outcome
 * matches `until`. Sizes already recorded are not run again, so a resumed series reaches the same
 * midpoints and continues where it stopped. Undefined when interrupted.
 */
export async function runBisect(b: PlannedBisect, deps: BisectDeps): Promise<BisectEnd | undefined> {
  const search = bisection(b.from, b.to);
  let next = search.next();
  for (let probe = 0; !next.done; probe++) {
    const size = next.value;
    const label = bisectStepLabel(b, size);
    let step: ReturnType<StepMaker> | undefined;
    let past = false;
    for (const [j, client] of b.clients.entries()) {
      const id = bisectCaseId(b, size, client);
      let result = deps.recorded.get(id);
      if (!result) {
        step ??= deps.stepAt(b.by, size, label, b.stepIndexBase + probe, "roots.bisect");
        const planned: PlannedCase = {
          id,
          planIndex: b.planIndexBase + probe * b.clients.length + j,
          serverIndex: b.serverIndex,
          driver: b.driver,
          policy: b.policy,
          ...(b.asConfigured ? { asConfigured: b.asConfigured } : {}),
          step,
          tls: b.tls,
          client: client.label,
          clientSpec: client,
        };
        const raw = await deps.run(planned);
        if (!raw) return undefined;
        result = { ...raw, bisect: bisectFacts(b, size, client.label, raw.outcome) };
        deps.keep(result, planned);
      }
      // Judged from the outcome, not the recorded verdict: the rule is the scenario's, which the
      // resume check pins to the same file.
      const facts = bisectFacts(b, size, client.label, result.outcome);
      if (facts.judged && facts.past) past = true;
    }
    next = search.next(past);
  }
  return next.value;
}
