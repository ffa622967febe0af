import type { SourceLocation } from '../../model/location.js';
import type { PolicyWarning } from '../../model/policy.js';

/** A reference to a name the export doesn't define, read as unknown rather than refusing the file. */
export interface StaleReference {
  /** `undefined address object or group "rs-cdn" (looked up in vsys "vsys1", shared)`. */
  what: string;
  location: SourceLocation;
}

/** At most this many further lines are listed in one warning. */
const MAX_LINES = 5;

/**
 * Collects stale references per policy. Groups are resolved once and shared by every policy that uses
 * them, so a group's stale members are kept with the group (`nest`/`unnest`) and replayed (`add`) each
 * time it is used again: every policy that reads around a stale reference warns of it.
 */
export class StaleReferences {
  /** Innermost collection last; the first is the current policy's (or a discarded one between policies). */
  private readonly stack: StaleReference[][] = [[]];

  /** Starts collecting for one policy. */
  beginPolicy(): void {
    this.stack.length = 0;
    this.stack.push([]);
  }

  /** The current policy's warnings, one per undefined name, at its first use; collection then restarts. */
  endPolicy(): PolicyWarning[] {
    const refs = this.stack[0]!;
    this.beginPolicy();
    const byWhat = new Map<string, SourceLocation[]>();
    const seen = new Set<string>();
    for (const r of refs) {
      const key = `${r.what}\u0000${r.location.path}\u0000${r.location.line}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const list = byWhat.get(r.what);
      if (list) list.push(r.location);
      else byWhat.set(r.what, [r.location]);
    }
    return [...byWhat].map(([what, at]) => {
      const others = at.slice(1).map((l) => l.line);
      const also =
        others.length === 0
          ? ''
          : `; also used at line${others.length > 1 ? 's' : ''} ${others.slice(0, MAX_LINES).join(', ')}${others.length > MAX_LINES ? ` and ${others.length - MAX_LINES} more` : ''}`;
      return {
        message: `${what}: the export doesn't define it (a trimmed or stale export?), so the rules using it are read as unknown where it matters${also}`,
        location: at[0],
      };
    });
  }

  add(refs: readonly StaleReference[]): void {
    const top = this.stack[this.stack.length - 1]!;
    for (const r of refs) top.push(r);
  }

  /** Starts a group's own collection. */
  nest(): void {
    this.stack.push([]);
  }

  /** Ends a group's collection: returns it (for the group to keep) and adds it to the enclosing one. */
  unnest(): StaleReference[] {
    const mine = this.stack.pop()!;
    this.add(mine);
    return mine;
  }
}
