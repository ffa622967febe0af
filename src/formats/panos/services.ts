import { ANY_SERVICE, type PortRange, type ServiceExpr, unionServiceExprs } from '../../model/service.js';
import type { Definition, Scope } from './scopes.js';
import type { StaleReference, StaleReferences } from './stale-references.js';
import type { XmlDocument, XmlElement } from './xml-tree.js';

const PROTOCOLS = ['tcp', 'udp', 'sctp'] as const;
const MAX_NESTING = 200;

/** The rule's `<service>application-default</service>`: each application on its own default ports. */
export const APPLICATION_DEFAULT = 'application-default';

/**
 * Services PAN-OS ships predefined ("Objects > Services": "The HTTP and HTTPS services are predefined");
 * as defined in the firewall's predefined configuration: service-http is TCP 80 and 8080, service-https
 * is TCP 443.
 */
const PREDEFINED: Record<string, ServiceExpr> = {
  'service-http': {
    kind: 'ports',
    protocol: 'tcp',
    ports: [
      [80, 80],
      [8080, 8080],
    ],
  },
  'service-https': { kind: 'ports', protocol: 'tcp', ports: [[443, 443]] },
};

/** Parses a PAN-OS port list: "80", "80,443", "8000-8100", "80,443,8000-8100" (0-65535, low <= high). */
export function parsePortList(text: string): PortRange[] | string {
  const out: PortRange[] = [];
  for (const raw of text.split(',')) {
    const part = raw.trim();
    const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(part);
    if (!m) return `"${part}" is not a port or a range low-high`;
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    if (lo > 65535 || hi > 65535) return `port ${Math.max(lo, hi)} is out of range 0-65535`;
    if (lo > hi) return `range "${part}" ends before it starts`;
    out.push([lo, hi]);
  }
  return out;
}

/**
 * Resolves service references into one shared ServiceExpr per object ("Objects > Services",
 * https://docs.paloaltonetworks.com/pan-os/10-0/pan-os-web-interface-help/objects/objects-services):
 * a service is a protocol (TCP, UDP, SCTP) with destination ports, lists and ranges, and optionally source
 * ports; a service group is the union of its members, nested to any depth. `any` is every port of every
 * protocol; `application-default` is handled with the rule's applications (see applications.ts).
 */
export class ServiceResolver {
  /** Groups by entry and resolution scope (as for address groups); services keep their value. */
  private readonly groups = new Map<string, { expr: ServiceExpr; stale: StaleReference[] }>();
  private readonly open: { def: Definition; key: string }[] = [];

  constructor(
    private readonly doc: XmlDocument,
    private readonly stale: StaleReferences,
  ) {}

  /**
   * The `index`th `<member>` of `list` (a rule's `<service>`, not `application-default`, which the caller
   * handles; or a service group's members), named `name`.
   */
  member(name: string, scope: Scope, list: XmlElement, index: number): ServiceExpr {
    if (name === 'any') return ANY_SERVICE;
    const def = scope.find('service', name);
    if (def) return this.definition(def, scope, list, index);
    const predefined = PREDEFINED[name];
    if (predefined) return predefined;
    // A stale reference (a trimmed export): unknown where it is used, and a warning.
    const ref: StaleReference = {
      what: `undefined service or service group "${name}" (looked up in ${scope.chainLabel()})`,
      location: { path: this.doc.path, line: this.doc.lineOf(this.doc.memberAt(list, index)) },
    };
    this.stale.add([ref]);
    return { kind: 'unknown', part: { reason: `${ref.what}, a stale reference`, location: ref.location } };
  }

  private definition(def: Definition, from: Scope, list: XmlElement, index: number): ServiceExpr {
    // Shared groups see shared objects only; a device group's groups are flattened into the firewall's
    // vsys with the rest of its hierarchy, so their members resolve where the rule is.
    if (def.kind !== 'service-group') return (def.service ??= this.service(def));
    const groupScope = def.scope.isShared ? def.scope : from;
    const key = `${def.el}@${groupScope.id}`;
    const done = this.groups.get(key);
    if (done) {
      this.stale.add(done.stale);
      return done.expr;
    }
    this.stale.nest();
    let expr: ServiceExpr;
    let stale: StaleReference[] = [];
    try {
      expr = this.group(def, groupScope, key, list, index);
    } finally {
      stale = this.stale.unnest();
    }
    this.groups.set(key, { expr, stale });
    return expr;
  }

  private service(def: Definition): ServiceExpr {
    const doc = this.doc;
    const protocol = doc.child(def.el, 'protocol');
    const what = `service "${def.name}"`;
    for (const name of PROTOCOLS) {
      const p = doc.child(protocol, name);
      if (p === undefined) continue;
      const portEl = doc.child(p, 'port');
      if (portEl === undefined) throw doc.error(p, `${what} has no destination <port>`);
      const ports = parsePortList(doc.textOf(portEl));
      if (typeof ports === 'string') {
        throw doc.error(
          portEl,
          `${what}: bad port list "${doc.textOf(portEl)}": ${ports}; expected ports and ranges like 80,443,8000-8100`,
        );
      }
      const sourceEl = doc.child(p, 'source-port');
      if (sourceEl === undefined) return { kind: 'ports', protocol: name, ports };
      const sourcePorts = parsePortList(doc.textOf(sourceEl));
      if (typeof sourcePorts === 'string') {
        throw doc.error(
          sourceEl,
          `${what}: bad source port list "${doc.textOf(sourceEl)}": ${sourcePorts}; expected ports and ranges like 1024-65535`,
        );
      }
      return { kind: 'ports', protocol: name, ports, sourcePorts };
    }
    const other = protocol === undefined ? undefined : doc.children(protocol)[0];
    if (other !== undefined) {
      // A protocol this reader doesn't know: it may match any traffic.
      return {
        kind: 'unknown',
        part: {
          reason: `${what} uses protocol <${doc.name(other)}>, which this reader doesn't model`,
          location: { path: doc.path, line: doc.lineOf(def.el) },
        },
      };
    }
    throw doc.error(def.el, `${what} has no <protocol> with <tcp>, <udp> or <sctp>`);
  }

  private group(def: Definition, scope: Scope, key: string, list: XmlElement, index: number): ServiceExpr {
    const doc = this.doc;
    const cycleFrom = this.open.findIndex((o) => o.key === key);
    if (cycleFrom >= 0) {
      const names = [...this.open.slice(cycleFrom).map((o) => o.def.name), def.name];
      throw doc.error(
        doc.memberAt(list, index),
        `service group "${def.name}" contains itself (${names.join(' -> ')}); groups may nest but not in a cycle`,
      );
    }
    if (this.open.length >= MAX_NESTING)
      throw doc.error(def.el, `service groups nest deeper than ${MAX_NESTING} levels`);
    // PAN-OS 6.0 and later list members under <members>; older releases directly under the entry.
    const members = doc.child(def.el, 'members') ?? def.el;
    const names = doc.memberTexts(members);
    if (names.length === 0) throw doc.error(def.el, `service group "${def.name}" has no members`);
    this.open.push({ def, key });
    try {
      return unionServiceExprs(names.map((name, i) => this.member(name, scope, members, i)));
    } finally {
      this.open.pop();
    }
  }

  /** Every service and service group of a scope, resolved (a bad one is reported even when unused). */
  checkAll(scope: Scope): void {
    for (const kind of ['service', 'service-group'] as const) {
      for (const def of scope.definitions(kind)) this.definition(def, scope, def.el, -1);
    }
  }
}
