import { MAX_NESTING, nestingMessage } from '../../input/nesting.js';
import { lineError, type ConfigLine } from './config-lines.js';

/**
 * Object groups being resolved (group-object nesting, one call level each): a group that contains itself
 * is an error, and so is an open chain deeper than MAX_NESTING, so no input can overflow the stack. Cisco
 * states no depth limit; the ASA needs a nested group defined before it is used, so exports list inner
 * groups first and are resolved from the inside out, a level or two open at a time.
 */
export class GroupNesting {
  /** Groups open now, outermost first. */
  private readonly open: string[] = [];

  constructor(private readonly path: string) {}

  /** Before resolving group `name`'s members, from `at` (a group-object line or the command using it). */
  enter(name: string, at: ConfigLine): void {
    const from = this.open.indexOf(name);
    if (from >= 0) {
      const cycle = [...this.open.slice(from), name];
      throw lineError(
        this.path,
        at,
        `object-group "${name}" contains itself (${cycle.join(' -> ')}); groups may nest but not in a cycle`,
      );
    }
    if (this.open.length >= MAX_NESTING)
      throw lineError(this.path, at, `object-group "${this.open[0]!}": groups ${nestingMessage()}`);
    this.open.push(name);
  }

  /** After resolving the group entered last. */
  leave(): void {
    this.open.pop();
  }
}
