import {
  ANY_SERVICE,
  type PortRange,
  type ServiceExpr,
  intersectServiceExprs,
  unionServiceExprs,
} from '../../model/service.js';
import type { Definition, Scope } from './scopes.js';
import type { XmlDocument, XmlElement } from './xml-tree.js';

/**
 * A security rule matches applications as App-ID identifies them, not ports ("App-ID": the firewall
 * identifies the application of every session whatever its port; "Safely Enable Applications on Default
 * Ports": https://docs.paloaltonetworks.com/pan-os/10-0/pan-os-admin/app-id/application-default). The
 * checked flows are RemoteSpark's, so what matters is what App-ID calls RemoteSpark's traffic:
 * - TLS to its web, storage and CDN endpoints on 443/tcp is `ssl`; if the firewall decrypts it, the
 *   application inside (`web-browsing` over TLS, whose secure port is 443 — "Strict Default Ports for
 *   Decrypted Applications", PAN-OS 9.0 new features), so with decryption rules in the config both are
 *   only "maybe";
 * - STUN/TURN on 3478 is `stun`;
 * - DNS on 53 is `dns` (`dns-base` in newer content);
 * - cleartext HTTP on 80 is `web-browsing`;
 * - on other ports (8089, 5349) the protocol isn't documented: `ssl`, `stun`, `dtls`, `quic` and the
 *   unknown-tcp/udp catch-alls are possible, nothing can be told for sure.
 * App-IDs RemoteSpark's traffic can't be identified as (`facebook`, `ssh`, ...) don't match it; names that
 * could cover it (Azure, TURN and WebSocket App-IDs), custom applications and application filters make
 * the rule "maybe". With service `application-default` each application counts only on its default ports.
 */

type Tri = 'yes' | 'maybe' | 'no';

/** How sure a rule's application list matches one class of flows, and why not when it isn't. */
interface ClassMatch {
  tri: Tri;
  why?: string;
}

/** Traffic App-ID identifies alike: one protocol on some ports. */
interface FlowClass {
  protocol: 'tcp' | 'udp';
  ports: PortRange[];
  /** For messages: "TLS on 443/tcp". */
  label: string;
  /** Whether App-ID gives this traffic the App-ID `app`. */
  identify(app: string, decrypting: boolean): Tri;
  /** For `application-default`: whether this port is among `app`'s default ports. */
  onDefaultPort(app: string): Tri;
  /** For application `any` with `application-default`: whether the identified app is on its default port. */
  anyOnDefaultPort: Tri;
}

/** App-IDs that may cover RemoteSpark's web traffic (it is hosted on Azure) or its STUN/TURN traffic. */
const MAYBE_WEB = /azure|websocket/;
const MAYBE_MEDIA = /azure|websocket|turn|stun/;

const classes: FlowClass[] = [
  {
    protocol: 'tcp',
    ports: [[443, 443]],
    label: 'TLS on 443/tcp',
    identify: (app, decrypting) =>
      app === 'ssl'
        ? decrypting
          ? 'maybe'
          : 'yes'
        : app === 'web-browsing'
          ? decrypting
            ? 'maybe'
            : 'no'
          : MAYBE_WEB.test(app)
            ? 'maybe'
            : 'no',
    onDefaultPort: (app) => (app === 'ssl' || app === 'web-browsing' ? 'yes' : 'maybe'),
    anyOnDefaultPort: 'yes',
  },
  {
    protocol: 'tcp',
    ports: [[80, 80]],
    label: 'HTTP on 80/tcp',
    identify: (app) => (app === 'web-browsing' ? 'yes' : MAYBE_WEB.test(app) ? 'maybe' : 'no'),
    onDefaultPort: (app) => (app === 'web-browsing' ? 'yes' : 'maybe'),
    anyOnDefaultPort: 'yes',
  },
  ...(['tcp', 'udp'] as const).map((protocol): FlowClass => ({
    protocol,
    ports: [[53, 53]],
    label: `DNS on 53/${protocol}`,
    identify: (app) =>
      app === 'dns' || app === 'dns-base' ? 'yes' : app.startsWith('dns-') ? 'maybe' : 'no',
    onDefaultPort: (app) => (app === 'dns' || app === 'dns-base' ? 'yes' : 'maybe'),
    anyOnDefaultPort: 'yes',
  })),
  ...(['tcp', 'udp'] as const).map((protocol): FlowClass => ({
    protocol,
    ports: [[3478, 3478]],
    label: `STUN/TURN on 3478/${protocol}`,
    identify: (app) => (app === 'stun' ? 'yes' : /stun|turn/.test(app) ? 'maybe' : 'no'),
    // 3478 is STUN's IANA port for TCP and UDP (RFC 5389 §18.4), the port App-ID's stun uses.
    onDefaultPort: (app) => (app === 'stun' ? 'yes' : 'maybe'),
    anyOnDefaultPort: 'yes',
  })),
];

const OTHER_PORT_APPS = new Set([
  'ssl',
  'web-browsing',
  'stun',
  'dtls',
  'quic',
  'unknown-tcp',
  'unknown-udp',
]);

/** Every port of `protocol` the classes above don't name: RemoteSpark's 8089 and 5349, and the rest. */
function otherPorts(protocol: 'tcp' | 'udp'): PortRange[] {
  const named = classes
    .filter((c) => c.protocol === protocol)
    .flatMap((c) => c.ports)
    .sort((a, b) => a[0] - b[0]);
  const out: PortRange[] = [];
  let next = 0;
  for (const [lo, hi] of named) {
    if (lo > next) out.push([next, lo - 1]);
    next = Math.max(next, hi + 1);
  }
  if (next <= 65535) out.push([next, 65535]);
  return out;
}

for (const protocol of ['tcp', 'udp'] as const) {
  classes.push({
    protocol,
    ports: otherPorts(protocol),
    label: `traffic on other ${protocol.toUpperCase()} ports (such as 8089 and 5349)`,
    identify: (app) => (OTHER_PORT_APPS.has(app) || MAYBE_MEDIA.test(app) ? 'maybe' : 'no'),
    onDefaultPort: () => 'maybe',
    anyOnDefaultPort: 'maybe',
  });
}

function or(a: ClassMatch, b: ClassMatch): ClassMatch {
  if (a.tri === 'yes' || b.tri === 'no') return a;
  if (b.tri === 'yes' || a.tri === 'no') return b;
  return a;
}

function and(a: ClassMatch, b: ClassMatch): ClassMatch {
  if (a.tri === 'no' || b.tri === 'yes') return a;
  if (b.tri === 'no' || a.tri === 'yes') return b;
  return a;
}

/** The applications a rule names, expanded: App-ID names, and the parts that can't be decided. */
export interface ApplicationSet {
  any: boolean;
  /** Names not defined in the config: Palo Alto's predefined App-IDs. */
  predefined: readonly string[];
  /** Custom applications and application filters: they may match anything. */
  undecidable: readonly string[];
  /**
   * What the set matches, by `ruleServices` flags (application-default x2 + decrypting): sets are shared
   * by every rule listing the same applications, so this is worked out once per set.
   */
  exprs?: (ServiceExpr | undefined)[];
}

/**
 * Expands rule application lists (custom applications, application groups nested to any depth,
 * application filters) and turns them, with the rule's services, into the ServiceExpr the rule really
 * matches for RemoteSpark's traffic.
 */
export class ApplicationResolver {
  /** `any`, one per resolver: sets keep their expressions (see ApplicationSet.exprs), so none is global. */
  private readonly anyApplication: ApplicationSet = { any: true, predefined: [], undecidable: [] };
  private readonly sets = new Map<string, ApplicationSet>();
  private readonly exprs = new Map<string, ServiceExpr>();
  private readonly open: Definition[] = [];

  constructor(private readonly doc: XmlDocument) {}

  /** The applications of a rule's `<application>` members, looked up from `scope`. */
  applicationSet(list: XmlElement, names: readonly string[], scope: Scope): ApplicationSet {
    if (names.includes('any')) return this.anyApplication;
    const key = `${scope.id}\u0000${names.join('\u0000')}`;
    let set = this.sets.get(key);
    if (!set) {
      const predefined = new Set<string>();
      const undecidable = new Set<string>();
      names.forEach((name, i) => this.expand(name, scope, list, i, predefined, undecidable));
      set = { any: false, predefined: [...predefined].sort(), undecidable: [...undecidable].sort() };
      this.sets.set(key, set);
    }
    return set;
  }

  private expand(
    name: string,
    scope: Scope,
    list: XmlElement,
    index: number,
    predefined: Set<string>,
    undecidable: Set<string>,
  ): void {
    const def = scope.find('application', name);
    if (!def) {
      predefined.add(name);
      return;
    }
    if (def.kind === 'application')
      undecidable.add(`custom application "${name}" (its signatures aren't evaluated)`);
    else if (def.kind === 'application-filter') {
      undecidable.add(
        `application filter "${name}" (its applications are chosen by category and characteristics)`,
      );
    } else {
      const doc = this.doc;
      const cycleFrom = this.open.findIndex((d) => d.el === def.el);
      if (cycleFrom >= 0) {
        const cycle = [...this.open.slice(cycleFrom).map((d) => d.name), name];
        throw doc.error(
          doc.memberAt(list, index),
          `application group "${name}" contains itself (${cycle.join(' -> ')}); groups may nest but not in a cycle`,
        );
      }
      if (this.open.length >= 200) throw doc.error(def.el, 'application groups nest deeper than 200 levels');
      const members = doc.child(def.el, 'members') ?? def.el;
      this.open.push(def);
      try {
        doc.memberTexts(members).forEach((text, i) => {
          if (text === 'any') undecidable.add(`application group "${name}" lists any`);
          else this.expand(text, def.scope.isShared ? def.scope : scope, members, i, predefined, undecidable);
        });
      } finally {
        this.open.pop();
      }
    }
  }

  /**
   * What a rule matches of tcp/udp traffic: its services (`services`, or each application's default ports
   * when `applicationDefault`) restricted to the traffic its applications cover.
   */
  ruleServices(
    apps: ApplicationSet,
    services: ServiceExpr | undefined,
    applicationDefault: boolean,
    decrypting: boolean,
  ): ServiceExpr {
    if (apps.any && !applicationDefault) return services ?? ANY_SERVICE;
    const slot = (applicationDefault ? 2 : 0) + (decrypting ? 1 : 0);
    let appExpr = apps.exprs?.[slot];
    if (!appExpr) {
      // Equal sets (from different scopes) share one expression too.
      const appKey = apps.any ? '*' : `${apps.predefined.join(',')}|${apps.undecidable.join(',')}`;
      const key = `${appKey}|${slot}`;
      appExpr = this.exprs.get(key) ?? this.buildAppExpr(apps, applicationDefault, decrypting);
      this.exprs.set(key, appExpr);
      (apps.exprs ??= [])[slot] = appExpr;
    }
    return services === undefined ? appExpr : intersectServiceExprs(services, appExpr);
  }

  private buildAppExpr(apps: ApplicationSet, applicationDefault: boolean, decrypting: boolean): ServiceExpr {
    // Shared by every rule with the same applications, so the unknown parts name no rule's line.
    const yes: ServiceExpr[] = [];
    const maybe = new Map<string, ServiceExpr[]>();
    for (const c of classes) {
      const m = classMatch(c, apps, applicationDefault, decrypting);
      const ports: ServiceExpr = { kind: 'ports', protocol: c.protocol, ports: c.ports };
      if (m.tri === 'yes') yes.push(ports);
      else if (m.tri === 'maybe') {
        const why = m.why ?? 'App-ID: the config does not tell which application this traffic is';
        const list = maybe.get(why) ?? [];
        list.push(ports);
        maybe.set(why, list);
      }
    }
    const parts: ServiceExpr[] = [...yes];
    for (const [reason, ports] of maybe) {
      parts.push(
        intersectServiceExprs(unionServiceExprs(ports), {
          kind: 'unknown',
          part: { reason },
        }),
      );
    }
    if (parts.length === 0) return { kind: 'union', members: [] };
    return parts.length === 1 ? parts[0]! : { kind: 'union', members: parts };
  }
}

function quoteList(names: readonly string[]): string {
  return names.map((n) => `"${n}"`).join(', ');
}

/** Whether App-ID gives a class of RemoteSpark's traffic one of `apps` (on its default port). */
function classMatch(
  c: FlowClass,
  apps: ApplicationSet,
  applicationDefault: boolean,
  decrypting: boolean,
): ClassMatch {
  if (apps.any) {
    return c.anyOnDefaultPort === 'yes'
      ? { tri: 'yes' }
      : {
          tri: c.anyOnDefaultPort,
          why: `App-ID with application-default: which application ${c.label} is identified as, and whether the port is among its default ports, can't be told from the config`,
        };
  }
  let acc: ClassMatch = { tri: 'no' };
  for (const app of apps.predefined) {
    let m: ClassMatch = { tri: c.identify(app, decrypting) };
    if (m.tri === 'maybe') {
      m.why =
        decrypting && (app === 'ssl' || app === 'web-browsing') && c.ports[0]![0] === 443
          ? `App-ID: the config has decryption rules, so ${c.label} may be identified as the application inside the TLS session instead of "ssl" (rule allows ${quoteList(apps.predefined)})`
          : `App-ID: whether ${c.label} of RemoteSpark is identified as "${app}" can't be told from the config`;
    }
    if (applicationDefault && m.tri !== 'no') {
      const d = c.onDefaultPort(app);
      m = and(m, {
        tri: d,
        why: `App-ID with application-default: whether this port is among the default ports of "${app}" can't be told from the config`,
      });
    }
    acc = or(acc, m);
    if (acc.tri === 'yes') return acc;
  }
  if (apps.undecidable.length > 0)
    acc = or(acc, { tri: 'maybe', why: `App-ID: ${apps.undecidable[0]} may match ${c.label}` });
  return acc;
}
