import { AddressSyntaxError, parseCidr } from '../../model/ip.js';
import { PUBLIC_SPACE } from '../../model/public-space.js';
import { IntervalSet } from '../../model/interval-set.js';
import type { Family } from '../../model/ip.js';
import type { SaveFile } from './save-file.js';

/** A save and its family, as the policy builder groups them. */
interface Save {
  save: SaveFile;
  family: Family;
}

/** The interface a source-translating rule sends traffic out of, and where that rule is. */
export interface NatEgress {
  name: string;
  path: string;
  line: number;
}

/** Options that leave a translating rule "unconditional enough": they narrow the traffic, not the egress. */
const HARMLESS = new Set([
  '-s',
  '--source',
  '--src',
  '-p',
  '--protocol',
  '--dport',
  '--destination-port',
  '--sport',
  '--source-port',
  '--dports',
  '--destination-ports',
  '--sports',
  '--source-ports',
  '--ports',
  '--comment',
  '-c',
  '--set-counters',
]);
const HARMLESS_MODULES = new Set(['tcp', 'udp', 'multiport', 'comment']);
/** The targets' own options (iptables-extensions(8), MASQUERADE and SNAT). */
const TARGET_OPTIONS = new Set(['--to-source', '--to-ports', '--random', '--random-fully', '--persistent']);

/** Whether `! -d LIST` leaves every public address in: the list holds only special-purpose blocks. */
function excludesOnlyPrivate(text: string, family: Family): boolean {
  try {
    const set = IntervalSet.unionAll(text.split(',').map((a) => parseCidr(a)));
    return !set.intersects(PUBLIC_SPACE[family]);
  } catch (e) {
    if (e instanceof AddressSyntaxError) return false;
    throw e;
  }
}

/**
 * The interfaces `nat POSTROUTING` masquerades or SNATs out of: "Masquerading is equivalent to specifying a
 * mapping to the IP address of the interface the packet is going out" (iptables-extensions(8), MASQUERADE;
 * SNAT rewrites the source the same way), which a router does for the traffic it sends to the internet.
 * A rule counts only where that is all it says: a rule of the built-in POSTROUTING chain itself, with
 * `-j MASQUERADE` or `-j SNAT`, a plain `-o NAME` (not negated, not a `+` wildcard, not `lo`), and
 * otherwise only sources, protocols, ports, comments, the target's own options and `! -d` of special-purpose
 * blocks (RFC 1918 and the like: "everything but the LAN"). A `-d` naming destinations, any other match, a
 * negated `-s`/`-p`, or a rule reached through a user chain is no evidence.
 */
export function natEgress(saves: readonly Save[]): NatEgress[] {
  const out: NatEgress[] = [];
  for (const { save, family } of saves) {
    for (const rule of save.tables.get('nat')?.chains.get('POSTROUTING')?.rules ?? []) {
      const w = rule.words;
      let name: string | undefined;
      let target: string | undefined;
      let ok = true;
      let inTarget = false;
      for (let i = 0; i < w.length && ok; i++) {
        const word = w[i]!;
        if (rule.quoted?.[i] || word.charCodeAt(0) !== 45 /* - */) {
          if (word !== '!') continue;
          // A negation: only `! -d` of special-purpose blocks keeps the rule.
          const next = w[i + 1];
          ok =
            (next === '-d' || next === '--destination' || next === '--dst') &&
            excludesOnlyPrivate(w[i + 2] ?? '', family);
          i += 2;
          continue;
        }
        const value = w[i + 1];
        if (word === '-j' || word === '--jump') {
          target = value;
          inTarget = true;
        } else if (word === '-o' || word === '--out-interface') {
          if (!value || value.endsWith('+') || value === 'lo' || name !== undefined) ok = false;
          else name = value;
        } else if (word === '-m' || word === '--match') ok = HARMLESS_MODULES.has(value ?? '');
        else if (inTarget) ok = TARGET_OPTIONS.has(word);
        else ok = HARMLESS.has(word);
      }
      if (ok && name !== undefined && (target === 'MASQUERADE' || target === 'SNAT'))
        out.push({ name, path: save.path, line: rule.line });
    }
  }
  return out;
}
