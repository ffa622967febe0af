import { evaluateAll, type Verdict } from '../../src/evaluate/evaluate.js';
import { parseFlowSpec } from '../../src/check/flow-spec.js';
import type { InputFile } from '../../src/input/input-file.js';
import { parseIpSpec } from '../../src/model/ip.js';
import type { Policy } from '../../src/model/policy.js';
import { ZoneSet } from '../../src/model/zone-set.js';
import { InterfaceZones, OTHER_INTERFACE, prefixOfZone } from '../../src/formats/iptables/interface-zones.js';
import { formatById, readPolicies } from '../../src/formats/registry.js';
import { LAN_IF, WAN_IF, flowSpec, type Probe } from './addresses.js';

/** One probe where our verdict isn't the kernel's (or isn't a decided one). */
export interface Disagreement {
  probe: Probe;
  kernel: 'delivered' | 'dropped';
  ours: Verdict;
  detail: string;
  /** file:line of the rule our verdict names. */
  rule?: string;
}

/** The outcome of one ruleset: our verdicts against the kernel's on every probe. */
export interface Comparison {
  /** allowed for a probe the kernel dropped, blocked for one it delivered. */
  wrong: Disagreement[];
  /** unknown or partial: a construct not decided. */
  undecided: Disagreement[];
  checked: number;
}

/** Reads files with a registered reader, or says why it can't be used yet. */
export async function readWith(formatId: string, files: InputFile[]): Promise<Policy[]> {
  const format = formatById(formatId);
  if (!format) throw new Error(`no reader "${formatId}" is registered in src/formats/registry.ts`);
  return readPolicies(files.map((file) => ({ file, format })));
}

export function readerRegistered(formatId: string): boolean {
  return formatById(formatId) !== undefined;
}

/**
 * Evaluates each probe as `check --source SRC --flow DST:PORT/PROTO` would, with the clients arriving on
 * the router's client interface and the internet reached through its server interface, and compares the
 * verdict with what the kernel did: allowed ⇔ delivered, blocked ⇔ dropped.
 */
/**
 * The zone of one of the lab's interfaces in what the readers made of a ruleset: itself where the ruleset
 * names it, else the part of the unnamed interfaces it falls in where there are wildcards
 * (interface-zones.ts), else the name (any unnamed interface: "another zone").
 */
export function zoneOf(policies: readonly Policy[], iface: string): string {
  const known = policies.flatMap((p) => p.zones?.known ?? []);
  const prefixes = known.map(prefixOfZone).filter((p) => p !== undefined);
  const names = known.filter((z) => prefixOfZone(z) === undefined && z !== OTHER_INTERFACE);
  return new InterfaceZones(names, prefixes).zoneOf(iface) ?? iface;
}

export function compare(
  policies: Policy[],
  probes: readonly Probe[],
  delivered: readonly boolean[],
): Comparison {
  const out: Comparison = { wrong: [], undecided: [], checked: 0 };
  probes.forEach((probe, i) => {
    const flow = parseFlowSpec(flowSpec(probe));
    const scope = {
      sources: parseIpSpec(probe.src),
      sourceZones: ZoneSet.of([zoneOf(policies, LAN_IF)]),
      destinationZones: ZoneSet.of([zoneOf(policies, WAN_IF)]),
    };
    const [result] = evaluateAll(policies, [flow], scope);
    const kernel = delivered[i] ? 'delivered' : 'dropped';
    const ours = result!.verdict;
    out.checked++;
    if ((ours === 'allowed' && kernel === 'delivered') || (ours === 'blocked' && kernel === 'dropped'))
      return;
    const p = result!.primary;
    const rule = p.decidedBy !== undefined && p.decidedBy >= 0 ? p.policy.rules[p.decidedBy] : undefined;
    const d: Disagreement = {
      probe,
      kernel,
      ours,
      detail: p.detail,
      rule: rule ? `${rule.location.path}:${rule.location.line}` : undefined,
    };
    (ours === 'allowed' || ours === 'blocked' ? out.wrong : out.undecided).push(d);
  });
  return out;
}

export const describeDisagreement = (d: Disagreement): string =>
  `${d.probe.src} -> ${flowSpec(d.probe)}: kernel ${d.kernel}, ours ${d.ours}${d.rule ? ` (${d.rule})` : ''}: ${d.detail}`;
