import { mergePorts } from '../../model/service.js';
import type { IntervalSet } from '../../model/interval-set.js';
import { normalizeHost } from '../../model/names.js';
import { parseIpNetmask, parseIpRange } from './address-values.js';
import { xmlAttr, xmlText, shortHash } from './remediate-syntax.js';
import type { Definition, Scope } from './scopes.js';
import { parsePortList } from './services.js';
import type { XmlDocument, XmlElement } from './xml-tree.js';

/** An object the fix defines: its `<entry>` lines and its CLI words (after `set [scope]`). */
export interface NewObject {
  list: 'address' | 'service';
  name: string;
  lines: (pad: string, step: string) => string[];
  cli: string[];
}

/**
 * Objects the fixes of one run have defined so far, by scope and name (their value as a key): a later
 * fix of the same policy reuses them instead of defining them twice.
 */
export type RunObjects = Map<string, Map<string, string>>;

/** PAN-OS object names: up to 63 characters ("Objects > Addresses"). */
const MAX_NAME = 63;

/**
 * Answers of lookups among a scope's visible objects, kept while the scope lives (one policy's fixes in one
 * run share its layout): each lookup scans the objects, and a fix makes several (a host each, a port each).
 */
const answers = new WeakMap<Scope, Map<string, string | null>>();
/** A scope's FQDN address objects by host, the visible one of each host (built on first need). */
const fqdnIndexes = new WeakMap<Scope, Map<string, string>>();

function answered(scope: Scope, key: string, find: () => string | undefined): string | undefined {
  let known = answers.get(scope);
  if (!known) answers.set(scope, (known = new Map()));
  let answer = known.get(key);
  if (answer === undefined) known.set(key, (answer = find() ?? null));
  return answer ?? undefined;
}

/**
 * The definitions of `kind` visible from `scope` (not hidden by a nearer one of the same name), nearest
 * scope first, in document order, whose entry passes `test`: the entry is tested before its visibility,
 * so a scan makes no definition for the entries that don't pass.
 */
function* visibleWhere(
  scope: Scope,
  kind: 'address' | 'address-group' | 'service',
  test: (el: XmlElement) => boolean = () => true,
): Generator<Definition> {
  const ns = kind === 'service' ? 'service' : 'address';
  for (let s: Scope | undefined = scope; s; s = s.parent) {
    const els = s.entries(kind);
    for (let pos = 0; pos < els.length; pos++) {
      if (!test(els[pos]!)) continue;
      const def = s.definitionAt(kind, pos);
      if (scope.find(ns, def.name) === def) yield def;
    }
  }
}

/** The first of visibleWhere. */
function firstVisible(
  scope: Scope,
  kind: 'address' | 'address-group' | 'service',
  test: (el: XmlElement) => boolean,
): Definition | undefined {
  for (const def of visibleWhere(scope, kind, test)) return def;
  return undefined;
}

/** Canonical text of an address set: its intervals. */
function setKey(set: IntervalSet): string {
  let key = '';
  for (const [lo, hi] of set.ranges()) key += `${lo}-${hi},`;
  return key;
}

/** Canonical text of a port list: sorted, merged ranges. */
function portsKey(ranges: readonly (readonly [number, number])[]): string {
  return mergePorts(ranges)
    .map(([lo, hi]) => (lo === hi ? `${lo}` : `${lo}-${hi}`))
    .join(',');
}

/** The objects a fix uses from `scope` (found or defined there), for the rule it writes in that scope. */
export class ObjectPlan {
  readonly created: NewObject[] = [];
  private readonly key: string;
  /** What this run defined in the scope, this fix's objects included once it is written. */
  private readonly mine: Map<string, string>;

  constructor(
    private readonly doc: XmlDocument,
    private readonly scope: Scope,
    private readonly run: RunObjects,
  ) {
    this.key = `${doc.path}\u0000${scope.label}`;
    this.mine = new Map(run.get(this.key));
  }

  /** Records this fix's objects for the run's later fixes (once the fix is written). */
  commit(): void {
    this.run.set(this.key, this.mine);
  }

  /** The visible FQDN address objects by host, the first of each host in visible order. */
  private fqdnIndex(): Map<string, string> {
    let index = fqdnIndexes.get(this.scope);
    if (index) return index;
    index = new Map();
    const isFqdn = (el: XmlElement) => this.doc.child(el, 'fqdn') !== undefined;
    for (const def of visibleWhere(this.scope, 'address', isFqdn)) {
      const host = this.fqdnOf(def)!;
      if (!index.has(host)) index.set(host, def.name);
    }
    fqdnIndexes.set(this.scope, index);
    return index;
  }

  private fqdnOf(def: Definition): string | undefined {
    const t = this.doc.childText(def.el, 'fqdn');
    return t === undefined ? undefined : normalizeHost(t);
  }

  /** The host names of a static group made only of FQDN objects (nested groups included), else undefined. */
  private groupHosts(def: Definition, depth = 0): Set<string> | undefined {
    const doc = this.doc;
    if (depth > 16 || doc.child(def.el, 'dynamic') !== undefined) return undefined;
    const from = def.scope.isShared ? def.scope : this.scope;
    const hosts = new Set<string>();
    for (const m of doc.memberTexts(doc.child(def.el, 'static') ?? def.el)) {
      const d = from.find('address', m);
      if (d?.kind === 'address' && this.fqdnOf(d) !== undefined) hosts.add(this.fqdnOf(d)!);
      else if (d?.kind === 'address-group') {
        const inner = this.groupHosts(d, depth + 1);
        if (!inner) return undefined;
        inner.forEach((h) => hosts.add(h));
      } else return undefined;
    }
    return hosts.size ? hosts : undefined;
  }

  /** Destinations for host names: one group holding exactly them, else one FQDN object each. */
  hosts(hosts: readonly string[]): string[] {
    const want = new Set(hosts.map(normalizeHost));
    if (want.size > 1) {
      for (const def of visibleWhere(this.scope, 'address-group')) {
        const got = this.groupHosts(def);
        if (got && got.size === want.size && [...got].every((h) => want.has(h))) return [def.name];
      }
    }
    return [...want].map((h) => this.fqdn(h));
  }

  private fqdn(host: string): string {
    const found = this.fqdnIndex().get(host);
    if (found !== undefined) return found;
    const value = `fqdn:${host}`;
    const base =
      `rs-${host}`.length <= MAX_NAME ? `rs-${host}` : `rs-${host.slice(0, 50)}-${shortHash(host)}`;
    return this.define('address', base, value, (name) => ({
      list: 'address',
      name,
      lines: (pad, step) => [
        `${pad}<entry name="${xmlAttr(name)}">`,
        `${pad}${step}<fqdn>${xmlText(host)}</fqdn>`,
        `${pad}</entry>`,
      ],
      cli: ['address', name, 'fqdn', host],
    }));
  }

  /** A client address as written, or the address object (ip-netmask, ip-range) that is exactly it. */
  source(text: string, set: IntervalSet): string {
    const doc = this.doc;
    const equal = (el: XmlElement): boolean => {
      for (const [tag, parse] of [
        ['ip-netmask', parseIpNetmask],
        ['ip-range', parseIpRange],
      ] as const) {
        const v = doc.childText(el, tag);
        if (v === undefined) continue;
        try {
          if (parse(v).equals(set)) return true;
        } catch {
          // A bad value is the reader's to report; it is no match here.
        }
      }
      return false;
    };
    return (
      answered(
        this.scope,
        `source\u0000${setKey(set)}`,
        () => firstVisible(this.scope, 'address', equal)?.name,
      ) ?? text
    );
  }

  /**
   * Services for ports of one protocol: a service that is exactly them, else one per port (found or
   * defined). service-https is PAN-OS's predefined TCP 443 ("Objects > Services": "The HTTP and HTTPS
   * services are predefined"), unless the config defines that name itself.
   */
  services(protocol: 'tcp' | 'udp', ports: readonly number[]): string[] {
    const whole = this.exactService(protocol, portsKey(ports.map((p) => [p, p])));
    if (whole) return [whole];
    return ports.map((port) => {
      const found = this.exactService(protocol, `${port}`);
      if (found) return found;
      if (protocol === 'tcp' && port === 443 && this.scope.find('service', 'service-https') === undefined)
        return 'service-https';
      return this.define('service', `rs-${protocol}-${port}`, `${protocol}:${port}`, (name) => ({
        list: 'service',
        name,
        lines: (pad, step) => [
          `${pad}<entry name="${xmlAttr(name)}">`,
          `${pad}${step}<protocol>`,
          `${pad}${step}${step}<${protocol}>`,
          `${pad}${step}${step}${step}<port>${port}</port>`,
          `${pad}${step}${step}</${protocol}>`,
          `${pad}${step}</protocol>`,
          `${pad}</entry>`,
        ],
        cli: ['service', name, 'protocol', protocol, 'port', `${port}`],
      }));
    });
  }

  private exactService(protocol: 'tcp' | 'udp', key: string): string | undefined {
    const value = `${protocol}:${key}`;
    for (const [name, v] of this.mine) if (v === value) return name;
    const doc = this.doc;
    const exact = (el: XmlElement): boolean => {
      const proto = doc.child(el, 'protocol');
      const kids = proto === undefined ? [] : doc.children(proto);
      if (kids.length !== 1 || doc.name(kids[0]!) !== protocol) return false;
      if (doc.child(kids[0]!, 'source-port') !== undefined) return false;
      const ports = parsePortList(doc.childText(kids[0]!, 'port') ?? '');
      return typeof ports !== 'string' && portsKey(ports) === key;
    };
    return answered(
      this.scope,
      `service\u0000${value}`,
      () => firstVisible(this.scope, 'service', exact)?.name,
    );
  }

  /** A new object's name (the base, else base-2 ...), unless this run defined the same value already. */
  private define(
    list: 'address' | 'service',
    base: string,
    value: string,
    make: (name: string) => NewObject,
  ): string {
    for (const [name, v] of this.mine) if (v === value && name.startsWith(base)) return name;
    const taken = (n: string) =>
      this.mine.has(n) || this.scope.find(list === 'address' ? 'address' : 'service', n) !== undefined;
    let name = base;
    for (let i = 2; taken(name); i++) name = `${base}-${i}`;
    this.mine.set(name, value);
    this.created.push(make(name));
    return name;
  }
}
