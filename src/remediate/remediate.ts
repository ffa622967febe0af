import { patchedInput } from './patched-input.js';
import type { CheckResult } from '../check/run-check.js';
import { evaluateAll, type FlowResult, type PolicyFlowResult, type Verdict } from '../evaluate/evaluate.js';
import { policyName, policyScope } from '../evaluate/zone-scope.js';
import { readPolicies, type ReadInput } from '../formats/registry.js';
import { collectGarbage } from '../input/garbage.js';
import { InputError } from '../input/input-error.js';
import type { InputFile } from '../input/input-file.js';
import { flowLabel, type Flow } from '../model/flow.js';
import type { Policy } from '../model/policy.js';
import type { ZoneSet } from '../model/zone-set.js';
import { policyKey } from '../drift/rule-identity.js';
import { IntervalSet } from '../model/interval-set.js';
import { formatAddressSet } from '../model/ip.js';
import { fixGroups, placementFor } from './groups.js';
import { releaseRules, wasReleased } from './release-rules.js';
import type { Edit, FixGroup, FixRequest, ProposedFix, Unfixable } from './types.js';

/** One missing rule, in the customer's syntax, with whether the tool proved it (DESIGN.md, "Remediation"). */
export interface Remediation {
  policy: string;
  path: string;
  format: string;
  /** `host:port/protocol` of the flows it fixes. */
  flows: string[];
  /** The new rule's name, when one was written. */
  rule?: string;
  placement: { before: { name: string; path: string; line: number } } | { end: true };
  edits: Edit[];
  commands: string[];
  /** True only when the tool applied the edits, re-read and re-evaluated, and the flows became allowed with nothing worse. */
  verified: boolean;
  /** Why no proven fix is offered, when verified is false. */
  reason?: string;
  notes?: string[];
}

const RANK: Record<Verdict, number> = { allowed: 0, unknown: 1, partial: 2, blocked: 3 };

/** What a proof expects of one policy: these flows allowed once the edits are applied. */
export interface Expectation {
  policy: Policy;
  flows: readonly Flow[];
}

/**
 * Whether the edits prove themselves: the patched files are read again once, with the same reader, and
 * every checked policy that reads one of them is evaluated again: the expected flows allowed, no flow
 * worse than before. Every such policy, not only those the edits are for: an object a fix adds or a
 * parent policy it changes may reach another policy of the same file. Returns why not, or undefined when
 * proven.
 */
export async function verifyEdits(
  check: CheckResult,
  edits: readonly Edit[],
  expected: readonly Expectation[],
): Promise<string | undefined> {
  const edited = new Set(edits.map((e) => e.path));
  const involved = check.policies.filter(
    (p) => expected.some((x) => x.policy === p) || p.paths.some((path) => edited.has(path)),
  );
  const paths = new Set(involved.flatMap((p) => p.paths));
  const patched: ReadInput[] = check.evaluation.inputs
    .filter((i) => paths.has(i.file.path))
    .map(({ file, format }) => {
      const own = edits.filter((e) => e.path === file.path);
      // In pieces where the reader streams: the export is never decoded whole to prove a fix.
      return own.length === 0 ? { file, format } : { file: patchedInput(file, own), format };
    });
  let read: Policy[];
  try {
    read = await readPolicies(patched, { ...check.evaluation.read, forFixes: false });
  } catch (e) {
    if (e instanceof InputError) return `the patched export does not read: ${e.format()}`;
    throw e;
  }
  const byKey = new Map(read.map((p) => [policyKey(p), p]));
  const flows = check.evaluation.flows;
  for (const policy of involved) {
    // Named where the proof covers several policies, so the reason says which one a fix would harm.
    const where = involved.length > 1 ? `in ${policyName(policy)}: ` : '';
    const after = byKey.get(policyKey(policy));
    if (!after)
      return `the patched export no longer holds ${involved.length > 1 ? policyName(policy) : 'this policy'}`;
    const index = check.policies.indexOf(policy);
    const fixes = new Set(expected.filter((x) => x.policy === policy).flatMap((x) => x.flows));
    const now = evaluateAll([after], flows, check.evaluation.scope);
    for (let i = 0; i < now.length; i++) {
      const before = check.results[i]!.perPolicy[index]!;
      const v = now[i]!.verdict;
      const flow = flows[i]!;
      if (fixes.has(flow) && v !== 'allowed')
        return `${where}${flowLabel(flow)} is still ${v} with the new rule (${now[i]!.primary.detail})`;
      if (RANK[v] > RANK[before.verdict])
        return `${where}${flowLabel(flow)} would get worse: ${before.verdict} → ${v}`;
    }
  }
  return undefined;
}

/** verifyEdits for one policy's fixed flows. */
export function verifyFix(
  check: CheckResult,
  policy: Policy,
  edits: readonly Edit[],
  fixes: readonly Flow[],
): Promise<string | undefined> {
  return verifyEdits(check, edits, [{ policy, flows: fixes }]);
}

/** The group's request for a vendor: where the rule goes, for whom, between which zones. */
function request(
  check: CheckResult,
  policy: Policy,
  files: InputFile[],
  group: FixGroup,
  results: PolicyFlowResult[],
): FixRequest | string {
  let before = Infinity;
  for (const r of results) {
    const at = placementFor(r);
    if (at === undefined) return `${policyName(policy)}: the flows could not be evaluated (${r.detail})`;
    before = Math.min(before, at < 0 ? Infinity : at);
  }
  const scope = check.evaluation.scope;
  const sourceTexts = check.scope.sources;
  const decider = results.map((r) => r.decidedBy).find((i): i is number => i !== undefined && i >= 0);
  // The zones as the evaluation took them: clients' given or inferred from subnets; the egress from the
  // config, an override or a fill-in option, where one world decides it (several: any zone).
  const ps = policyScope(policy, scope);
  const first = ps.worlds[0];
  const names = (z: ZoneSet | undefined) => (z && !z.complement && z.names.size ? [...z.names] : undefined);
  const sourceZones = first?.szPinned ? names(first.sz) : undefined;
  const destinationZones = ps.worlds.length === 1 ? names(first?.dz) : undefined;
  return {
    policy,
    files,
    group,
    before: before === Infinity ? -1 : before,
    ...(scope.sources && sourceTexts ? { sources: { texts: sourceTexts, set: scope.sources } } : {}),
    ...(decider !== undefined ? { fallbackSourcesOf: policy.rules[decider]! } : {}),
    ...(sourceZones ? { sourceZones } : {}),
    ...(destinationZones ? { destinationZones } : {}),
    ruleNames: new Set(),
    scope,
    read: check.evaluation.read,
    earlier: [],
  };
}

/**
 * The proof of these proposals applied together: their edits, each policy's fixed flows, and what else
 * is expected (flows another policy's fix should allow too).
 */
function prove(
  check: CheckResult,
  proposals: readonly Proposal[],
  also: readonly Expectation[] = [],
): Promise<string | undefined> {
  return verifyEdits(
    check,
    proposals.flatMap((p) => p.fix.edits),
    [...proposals.map((p) => ({ policy: p.req.policy, flows: p.group.flows })), ...also],
  );
}

/**
 * Where the fixes kept so far already allow a proposal's flows (a rule in a Panorama Shared rulebase or
 * a parent policy reaches every policy under it), why the proposal adds nothing; else undefined.
 */
async function alreadyFixed(
  check: CheckResult,
  kept: readonly Proposal[],
  p: Proposal,
): Promise<string | undefined> {
  if (kept.length === 0) return undefined;
  if ((await prove(check, kept, [{ policy: p.req.policy, flows: p.group.flows }])) !== undefined)
    return undefined;
  // Named: the kept fixes for the same flows elsewhere, else all of them.
  const same = kept.filter((k) => k.group.flows.some((f) => p.group.flows.includes(f)));
  const by = [
    ...new Set(
      (same.length ? same : kept).map(
        (k) => `${policyName(k.req.policy)} (rule ${JSON.stringify(k.fix.name)})`,
      ),
    ),
  ];
  return `these flows are already allowed by the fix${by.length > 1 ? 'es' : ''} for ${by.join(', ')}: nothing more to add`;
}

/**
 * For every policy with required flows not allowed, one narrow allow rule per group of flows, written by
 * the policy's vendor module and proven by re-reading and re-evaluating before it is offered. The offered
 * fixes must hold together, as a patch applies them all: every policy's fixes are proven at once first
 * (one re-read, however many policies, VDOMs or device groups fail); where that fails, each policy's at
 * once, then each fix on its own, each kept only when it proves itself on top of those already kept.
 * Before the proofs, the check's rules are released (releaseRules): those the results and fixes name keep
 * their names and locations for the reports, and none matches anything any more.
 */
export async function remediate(check: CheckResult): Promise<Remediation[]> {
  // Fixes are written from the first model, which their proofs released: a second call would name rules
  // that are gone.
  if (wasReleased(check)) throw new Error('remediate: this check was remediated already; check again first');
  // Every fix is written first, then the readers may drop what they kept for writing them, then the
  // fixes are proven: a proof reads the export again and should not hold two copies of it.
  const written: WrittenFixes[] = [];
  const failing = check.policies.map((_, index) => failingAt(check, index));
  for (const [index, policy] of check.policies.entries()) {
    const w = await writeFixes(check, policy, index, failing[index]!);
    if (w) written.push(w);
  }
  for (const input of check.evaluation.inputs) (await input.format.load()).release?.(input.file);
  const proposed = written.flatMap((w) => w.proposals);
  // Notes that read the first model, written before it is released.
  for (const w of written)
    for (const p of w.proposals) {
      const opened = overrides(check, w.policy, w.index, p.req);
      if (opened) p.fix.notes = [...(p.fix.notes ?? []), opened];
    }
  // What the first model matches on is no longer needed (the proofs compare verdicts, reports name the
  // rules results and fixes point at), and every proof builds a second model beside it.
  if (proposed.length > 0) {
    releaseRules(
      check,
      proposed.map((p) => p.req),
    );
    // The released model goes before a proof reads the export again (input/garbage.ts).
    collectGarbage();
  }
  const together = proposed.length === 0 ? undefined : await prove(check, proposed);
  const several = written.filter((w) => w.proposals.length > 0).length > 1;
  const kept: Proposal[] = [];
  const out: Remediation[] = [];
  for (const { policy, failed, proposals, base } of written) {
    out.push(...failed);
    if (proposals.length === 0) continue;
    // This policy's fixes at once on top of those kept (for one policy, the first proof was that).
    const all = together === undefined || !several ? together : await prove(check, [...kept, ...proposals]);
    for (const p of proposals) {
      let why = all === undefined || proposals.length === 1 ? all : await prove(check, [...kept, p]);
      if (why !== undefined) why = (await alreadyFixed(check, kept, p)) ?? why;
      if (why === undefined) kept.push(p);
      out.push(offer(policy, p.req, p.fix, base, p.flows, why));
    }
  }
  return out;
}

/** What every remediation of one policy says first. */
type FixBase = Pick<Remediation, 'policy' | 'path' | 'format'>;

/** One policy's fixes as its vendor module wrote them, and the groups it could not fix. */
interface WrittenFixes {
  policy: Policy;
  index: number;
  failed: Remediation[];
  proposals: Proposal[];
  base: FixBase;
}

interface Proposal {
  req: FixRequest;
  fix: ProposedFix;
  group: FixGroup;
  flows: string[];
}

/** The results of required flows the policy at `index` doesn't allow. */
function failingAt(check: CheckResult, index: number): FlowResult[] {
  return check.results.filter(
    (r) => r.flow.severity === 'required' && r.perPolicy[index]!.verdict !== 'allowed',
  );
}

/** One policy's fixes, written by its vendor module; undefined when every required flow is allowed. */
async function writeFixes(
  check: CheckResult,
  policy: Policy,
  index: number,
  failing: readonly FlowResult[],
): Promise<WrittenFixes | undefined> {
  if (failing.length === 0) return undefined;
  const input = check.evaluation.inputs.find((i) => i.file.path === policy.paths[0]);
  const files = check.evaluation.inputs.filter((i) => policy.paths.includes(i.file.path)).map((i) => i.file);
  const base: FixBase = { policy: policyName(policy), path: policy.paths[0]!, format: policy.format };
  const reader = input ? await input.format.load() : undefined;
  // Without a list of every rule's name on the way (a large export has hundreds of thousands).
  const taken = new Set<string>();
  for (const r of policy.rules) taken.add(r.name);
  const failed: Remediation[] = [];
  const proposals: Proposal[] = [];
  for (const group of fixGroups(failing.map((r) => r.flow))) {
    const flows = group.flows.map(flowLabel);
    const results = group.flows.map((f) => check.results.find((r) => r.flow === f)!.perPolicy[index]!);
    const fail = (reason: string): Remediation => ({
      ...base,
      flows,
      placement: { end: true },
      edits: [],
      commands: [],
      verified: false,
      reason,
    });
    if (!reader?.remediate) {
      failed.push(fail(`the ${policy.format} module does not write fixes yet`));
      continue;
    }
    const req = request(check, policy, files, group, results);
    if (typeof req === 'string') {
      failed.push(fail(req));
      continue;
    }
    let fix: ProposedFix | Unfixable;
    try {
      fix = reader.remediate({ ...req, ruleNames: taken, earlier: proposals.map((p) => p.fix) });
    } catch (e) {
      // A file too big to hold as one text (a fix edits the text), say: the check stands, with no fix.
      if (!(e instanceof InputError)) throw e;
      failed.push(fail(`no fix can be written: ${e.format()}`));
      continue;
    }
    if ('unfixable' in fix) {
      failed.push(fail(fix.unfixable));
      continue;
    }
    taken.add(fix.name);
    proposals.push({ req, fix, group, flows });
  }
  return { policy, index, failed, proposals, base };
}

/**
 * A fix placed before a rule that denies the flows for part of the clients overrides that rule for them:
 * say so, naming the rule and those sources, so a reviewer can narrow the clients instead.
 */
function overrides(check: CheckResult, policy: Policy, index: number, req: FixRequest): string | undefined {
  if (req.before < 0) return undefined;
  const rule = policy.rules[req.before]!;
  if (rule.action !== 'deny') return undefined;
  const denied = req.group.flows.flatMap((f) => {
    const r = check.results.find((x) => x.flow === f)!.perPolicy[index]!;
    return (r.worlds ?? [r]).flatMap((w) =>
      w.families.flatMap((fam) => fam.pieces.filter((p) => p.by === req.before).map((p) => p.box.s)),
    );
  });
  if (denied.length === 0) return undefined;
  const set = IntervalSet.unionAll(denied);
  return `placed before rule "${rule.name}" (${rule.location.path}:${rule.location.line}), which denies these flows for ${formatAddressSet(set, 4)}: the new rule allows them for those clients too; if they are not RemoteSpark clients, narrow --source and check again`;
}

function offer(
  policy: Policy,
  req: FixRequest,
  fix: ProposedFix,
  base: FixBase,
  flows: string[],
  why: string | undefined,
): Remediation {
  const target = req.before >= 0 ? policy.rules[req.before]! : undefined;
  const placement = target
    ? { before: { name: target.name, path: target.location.path, line: target.location.line } }
    : ({ end: true } as const);
  if (why) {
    return {
      ...base,
      flows,
      rule: fix.name,
      placement,
      edits: [],
      commands: [],
      verified: false,
      reason: `not offered: ${why}`,
    };
  }
  return {
    ...base,
    flows,
    rule: fix.name,
    placement,
    edits: fix.edits,
    commands: fix.commands,
    verified: true,
    ...(fix.notes?.length ? { notes: fix.notes } : {}),
  };
}
