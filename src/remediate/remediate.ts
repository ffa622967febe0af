import { patchedInput } from './patched-input.js';
import type { ReadOptions } from '../formats/read-options.js';
import type { CheckResult } from '../check/run-check.js';
import { evaluateAll, type PolicyFlowResult, type Verdict } from '../evaluate/evaluate.js';
import { policyName, policyScope } from '../evaluate/zone-scope.js';
import { readPolicies, type ReadInput } from '../formats/registry.js';
import { InputError } from '../input/input-error.js';
import type { InputFile } from '../input/input-file.js';
import { flowLabel, type Flow } from '../model/flow.js';
import type { Policy } from '../model/policy.js';
import type { ZoneSet } from '../model/zone-set.js';
import { policyKey } from '../drift/rule-identity.js';
import { IntervalSet } from '../model/interval-set.js';
import { formatAddressSet } from '../model/ip.js';
import { fixGroups, placementFor } from './groups.js';
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

/** The policy's files, patched, read again with the same reader. */
async function reread(
  policy: Policy,
  inputs: readonly ReadInput[],
  edits: readonly Edit[],
  read: ReadOptions,
): Promise<Policy | undefined> {
  const mine = inputs.filter((i) => policy.paths.includes(i.file.path));
  const patched: ReadInput[] = mine.map(({ file, format }) => {
    const own = edits.filter((e) => e.path === file.path);
    if (own.length === 0) return { file, format };
    // In pieces where the reader streams: the export is never decoded whole to prove a fix.
    return { file: patchedInput(file, own), format };
  });
  const key = policyKey(policy);
  return (await readPolicies(patched, { ...read, forFixes: false })).find((p) => policyKey(p) === key);
}

/**
 * Whether the edits prove themselves: re-read, every flow re-evaluated; the fixed flows allowed, no flow
 * of this policy worse than before. Returns why not, or undefined when proven.
 */
export async function verifyFix(
  check: CheckResult,
  policy: Policy,
  edits: readonly Edit[],
  fixes: readonly Flow[],
): Promise<string | undefined> {
  let after: Policy | undefined;
  try {
    after = await reread(policy, check.evaluation.inputs, edits, check.evaluation.read);
  } catch (e) {
    if (e instanceof InputError) return `the patched export does not read: ${e.format()}`;
    throw e;
  }
  if (!after) return 'the patched export no longer holds this policy';
  const index = check.policies.indexOf(policy);
  const now = evaluateAll([after], check.evaluation.flows, check.evaluation.scope);
  for (let i = 0; i < now.length; i++) {
    const before = check.results[i]!.perPolicy[index]!;
    const v = now[i]!.verdict;
    const flow = check.evaluation.flows[i]!;
    if (fixes.includes(flow) && v !== 'allowed')
      return `${flowLabel(flow)} is still ${v} with the new rule (${now[i]!.primary.detail})`;
    if (RANK[v] > RANK[before.verdict]) return `${flowLabel(flow)} would get worse: ${before.verdict} → ${v}`;
  }
  return undefined;
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
 * For every policy with required flows not allowed, one narrow allow rule per group of flows, written by
 * the policy's vendor module and proven by re-reading and re-evaluating before it is offered. A policy's
 * rules are proven together first (one re-read); where that fails, each on its own.
 */
export async function remediate(check: CheckResult): Promise<Remediation[]> {
  // Every fix is written first, then the readers may drop what they kept for writing them, then each
  // policy's fixes are proven: a proof reads the export again and should not hold two copies of it.
  const written: WrittenFixes[] = [];
  for (const [index, policy] of check.policies.entries()) {
    const w = await writeFixes(check, policy, index);
    if (w) written.push(w);
  }
  for (const input of check.evaluation.inputs) (await input.format.load()).release?.(input.file);
  const out: Remediation[] = [];
  for (const { policy, index, failed, proposals, base } of written) {
    out.push(...failed);
    if (proposals.length === 0) continue;
    // Offered fixes must hold together (a patch applies them all): all at once, else one by one, each
    // kept only when it proves itself on top of those already kept.
    const all = await verifyFix(
      check,
      policy,
      proposals.flatMap((p) => p.fix.edits),
      proposals.flatMap((p) => p.group.flows),
    );
    const kept: typeof proposals = [];
    for (const p of proposals) {
      const opened = overrides(check, policy, index, p.req);
      if (opened) p.fix.notes = [...(p.fix.notes ?? []), opened];
      const why =
        all === undefined
          ? undefined
          : await verifyFix(
              check,
              policy,
              [...kept, p].flatMap((k) => k.fix.edits),
              [...kept, p].flatMap((k) => k.group.flows),
            );
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

/** One policy's fixes, written by its vendor module; undefined when every required flow is allowed. */
async function writeFixes(
  check: CheckResult,
  policy: Policy,
  index: number,
): Promise<WrittenFixes | undefined> {
  const failing = check.results.filter(
    (r) => r.flow.severity === 'required' && r.perPolicy[index]!.verdict !== 'allowed',
  );
  if (failing.length === 0) return undefined;
  const input = check.evaluation.inputs.find((i) => i.file.path === policy.paths[0]);
  const files = check.evaluation.inputs.filter((i) => policy.paths.includes(i.file.path)).map((i) => i.file);
  const base: FixBase = { policy: policyName(policy), path: policy.paths[0]!, format: policy.format };
  const reader = input ? await input.format.load() : undefined;
  const taken = new Set(policy.rules.map((r) => r.name));
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
