import type { UnknownPart } from '../../model/location.js';
import type { PolicyWarning } from '../../model/policy.js';

/** Lines listed in a warning before "and N more". */
const MAX_LINES = 5;

/**
 * References to objects, groups, names, ACLs and interfaces that the export doesn't define. A real ASA
 * refuses such a reference unless forward referencing is enabled ("Cisco ASA Series Firewall CLI
 * Configuration Guide", Access Control Lists, "Guidelines for ACLs": "you cannot reference an object or
 * object group that does not exist in an ACL or object group ... You also cannot reference an ACL that does
 * not exist in an access-group command"), so one in an export is a trimmed or stale copy: what it stood for
 * is unknown. Each use becomes an unknown part at its own line; each name one warning listing its lines.
 */
export class StaleReferences {
  private readonly uses = new Map<string, { what: string; lines: number[] }>();

  constructor(private readonly path: string) {}

  /** Records a use of `what` (`object-group "X"`) at `line`; returns the unknown part standing for it. */
  use(what: string, line: number): UnknownPart {
    let entry = this.uses.get(what);
    if (!entry) {
      entry = { what, lines: [] };
      this.uses.set(what, entry);
    }
    if (!entry.lines.includes(line)) entry.lines.push(line);
    return { reason: `${what} is not defined in this export`, location: { path: this.path, line } };
  }

  warnings(): PolicyWarning[] {
    return [...this.uses.values()].map(({ what, lines }) => {
      const shown = lines.slice(0, MAX_LINES).join(', ');
      const more = lines.length > MAX_LINES ? ` and ${lines.length - MAX_LINES} more` : '';
      return {
        message: `${what} is not defined in this export (used at line${lines.length > 1 ? 's' : ''} ${shown}${more}): read as unknown, so it never makes a flow allowed`,
        location: { path: this.path, line: lines[0]! },
      };
    });
  }
}
