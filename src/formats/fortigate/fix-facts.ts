import type { InputFile } from '../../input/input-file.js';
import type { Family } from '../../model/ip.js';
import type { Entry } from './config-tree.js';
import { ADDRESS_NAMESPACE, SERVICE_NAMESPACE, plainServicePorts } from './fix-objects.js';
import type { FileLayout, LayoutRecorder } from './layout.js';
import { factoryDefaults } from './predefined.js';
import { enabled, valueOf, type Scope } from './scopes.js';
import { unpack, type Setting } from './settings.js';

const POLICY = 'firewall policy';

/** A setting's values as the tree stores them (settings.ts `raw`); undefined when absent or malformed. */
export type Names = string | string[] | undefined;

/** Of each address object a fix could reuse: name, associated interface, kind and value(s) (see below). */
export const ADDRESS_SLOTS = 5;

/**
 * What the fix writer needs of one scope (the file, or one VDOM), taken from the reader's tree before the
 * reader drops its entries: small beside the tree, and enough that a fix never reads the export again.
 */
export interface ScopeFacts {
  vdom: string | undefined;
  consolidatedMode: boolean;
  ngfwPolicyBased: boolean;
  /** One above every numeric policy id in the scope's policy tables (at least 1). */
  freeId: number;
  /** The sorted dstintf lists ("\n"-joined) of the enabled accept policies with NAT. */
  natTo: Set<string>;
  /** Per `firewall policy` entry in table order: its srcintf, dstintf and (unless negated) srcaddr. */
  policyNames: Names[];
  /** The names taken in the address and the service name spaces (the scope's and `config global`'s) that a fix could want (mayCollide). */
  taken: { address: Set<string>; service: Set<string> };
  /**
   * The address objects without a malformed value, in table order, ADDRESS_SLOTS each: name, associated
   * interface (first value), then 'm' and the subnet, 'p' and the ip6 prefix, 'r' and start and end, or 'f'
   * and the fqdn.
   */
  addresses: Record<Family, (Names | string)[]>;
  /**
   * The plain custom services (the export's, then the factory's it doesn't redefine), SERVICE_SLOTS each
   * (fix-objects.ts `plainServicePorts`).
   */
  services: (Names | string)[];
  /** The first of them per exact port set, made by the first fix that looks for one. */
  serviceIndex?: Map<string, string>;
}

/** What the fix writer needs of one input, as the reader found it; dropped by the reader's release. */
export interface FileFacts {
  layout: FileLayout;
  version: [number, number] | undefined;
  scopes: Map<string | undefined, ScopeFacts>;
}

export const readerFacts = new WeakMap<InputFile, FileFacts>();

function names(v: string | string[] | Setting | undefined): Names {
  return typeof v === 'string' || Array.isArray(v) ? v : undefined;
}

/** The values of stored names, or undefined where they're not usable as names (absent, empty, `any`). */
export function namesOf(v: Names): string[] | undefined {
  if (v === undefined) return undefined;
  const list = unpack(v);
  return list.length === 0 || list.includes('any') ? undefined : list;
}

/** The tables whose numeric entry names are policy ids a new policy's id must be above. */
export const POLICY_ID_TABLES: ReadonlySet<string> = new Set([
  POLICY,
  'firewall policy6',
  'firewall consolidated policy',
]);

/** The first free policy id once entry `name` is counted, `free` being the one before. */
export function freeIdAfter(free: number, name: string): number {
  const n = Number(name);
  return Number.isInteger(n) && n >= free ? n + 1 : free;
}

export function firstFreePolicyId(scope: Scope): number {
  // A loop: spreading 100k+ ids into Math.max overflows the call stack.
  let free = 1;
  for (const table of POLICY_ID_TABLES) {
    for (const key of scope.blocks.get(table)?.entries.keys() ?? []) free = freeIdAfter(free, key);
  }
  return free;
}

function addressFacts(scope: Scope, table: string, family: Family, recorder: LayoutRecorder) {
  const out: (Names | string)[] = [];
  const malformed = recorder.malformedIn(scope.vdom ?? '', table);
  for (const e of scope.blocks.get(table)?.entries.values() ?? []) {
    if (malformed(e.name)) continue;
    const assoc = e.first('associated-interface');
    const type = e.first('type') ?? (family === 'ipv4' ? 'ipmask' : 'ipprefix');
    if (type === 'ipmask' && family === 'ipv4')
      out.push(e.name, assoc, 'm', names(e.raw('subnet')), undefined);
    else if (type === 'ipprefix' && family === 'ipv6')
      out.push(e.name, assoc, 'p', names(e.raw('ip6')), undefined);
    else if (type === 'iprange') out.push(e.name, assoc, 'r', e.first('start-ip'), e.first('end-ip'));
    else if (type === 'fqdn') out.push(e.name, assoc, 'f', e.first('fqdn'), undefined);
  }
  // Without the room the list grew with (a third more, on a large export's 140,000 objects ~2 MB).
  return out.slice();
}

function serviceFacts(scope: Scope): (Names | string)[] {
  const out: (Names | string)[] = [];
  const own = scope.blocks.get('firewall service custom');
  const groups = scope.blocks.get('firewall service group');
  const add = (e: Entry) => {
    const ports = plainServicePorts(e);
    if (ports) out.push(e.name, ...ports);
  };
  for (const e of own?.entries.values() ?? []) add(e);
  // A factory default is there unless the export defines the name otherwise.
  for (const e of factoryDefaults().get('firewall service custom')?.entries.values() ?? []) {
    if (!own?.entries.has(e.name) && !groups?.entries.has(e.name)) add(e);
  }
  return out;
}

/**
 * Whether a fix could want this name: it names objects `remotespark-...` or after a host (a catalog host
 * has a dot: host-spec.ts); the others, the bulk of a large export, are not kept (fix-objects.ts `fresh`).
 */
export function mayCollide(name: string): boolean {
  return name.startsWith(FIX_PREFIX) || name.includes('.');
}

export const FIX_PREFIX = 'remotespark-';

/** What the fix writer needs of a scope's `firewall policy` entries, taken entry by entry in table order. */
export class PolicyFacts {
  /** The sorted dstintf lists ("\n"-joined) of the enabled accept policies with NAT. */
  readonly natTo = new Set<string>();
  private readonly names: Names[];
  private at = 0;

  /** `expected`: how many entries will be added, when known (the list is made to measure). */
  constructor(private readonly expected?: number) {
    this.names = new Array<Names>(3 * (expected ?? 0));
  }

  add(e: Entry): void {
    const srcaddr = e.first('srcaddr-negate') !== 'enable' ? names(e.raw('srcaddr')) : undefined;
    this.names[this.at++] = names(e.raw('srcintf'));
    this.names[this.at++] = names(e.raw('dstintf'));
    this.names[this.at++] = srcaddr;
    if (e.first('action') === 'accept' && e.first('status') !== 'disable' && e.first('nat') === 'enable')
      this.natTo.add([...(e.get('dstintf')?.values ?? [])].sort().join('\n'));
  }

  /** Per entry: its srcintf, dstintf and (unless negated) srcaddr. */
  policyNames(): Names[] {
    // Grown entry by entry, the list holds spare room (a fifth more on a large export): not kept.
    return this.expected === this.at / 3 ? this.names : this.names.slice(0, this.at);
  }
}

/** The facts of a scope's `firewall policy` table, from the tree. */
export function policyFactsOf(scope: Scope): PolicyFacts {
  const policies = scope.blocks.get(POLICY)?.entries;
  const facts = new PolicyFacts(policies?.size ?? 0);
  for (const e of policies?.values() ?? []) facts.add(e);
  return facts;
}

/** A scope's facts but those of its policies. */
export type ObjectFacts = Omit<ScopeFacts, 'freeId' | 'natTo' | 'policyNames'>;

/**
 * The facts of a scope's settings, objects and services; taken before the reader checks the objects
 * (checking releases the scope's own entries).
 */
export function objectFacts(scope: Scope, recorder: LayoutRecorder): ObjectFacts {
  const settings = scope.blocks.get('system settings');
  const taken = { address: new Set<string>(), service: new Set<string>() };
  for (const [kind, tables] of [
    ['address', ADDRESS_NAMESPACE],
    ['service', SERVICE_NAMESPACE],
  ] as const) {
    for (const t of tables) {
      for (const block of [scope.blocks.get(t), scope.global?.get(t)]) {
        for (const name of block?.entries.keys() ?? []) if (mayCollide(name)) taken[kind].add(name);
      }
    }
  }
  return {
    vdom: scope.vdom,
    consolidatedMode: settings !== undefined && enabled(settings, 'consolidated-firewall-mode'),
    ngfwPolicyBased: settings !== undefined && valueOf(settings, 'ngfw-mode') === 'policy-based',
    taken,
    addresses: {
      ipv4: addressFacts(scope, 'firewall address', 'ipv4', recorder),
      ipv6: addressFacts(scope, 'firewall address6', 'ipv6', recorder),
    },
    services: serviceFacts(scope),
  };
}

/** A scope's facts taken as its policies streamed (policy-stream.ts): its tables hold no policies. */
export interface StreamedFacts {
  objects: ObjectFacts;
  policies: PolicyFacts;
  freeId: number;
}

/**
 * The scope's facts for the fix writer; called before the reader releases the scope's entries, or made
 * of those taken as its policies streamed.
 */
export function scopeFacts(scope: Scope, recorder: LayoutRecorder, streamed?: StreamedFacts): ScopeFacts {
  const policies = streamed?.policies ?? policyFactsOf(scope);
  return {
    ...(streamed?.objects ?? objectFacts(scope, recorder)),
    freeId: streamed?.freeId ?? firstFreePolicyId(scope),
    natTo: policies.natTo,
    policyNames: policies.policyNames(),
  };
}
