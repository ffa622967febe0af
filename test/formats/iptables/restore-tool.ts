import { execFileSync, spawnSync } from 'node:child_process';

/**
 * Loads saves with the kernel's own parser, `iptables-restore --test` / `ip6tables-restore --test`
 * (iptables-restore(8): "-t, --test: only parse and construct the ruleset, but do not commit it"), inside
 * a fresh network namespace (`unshare --net`), where the `ipset save` files given are restored first
 * and sets the rules name but no file creates are made empty (the rules need them to exist).
 */
export interface SaveText {
  path: string;
  text: string;
}

function works(cmd: string, args: string[]): boolean {
  const r = spawnSync(cmd, args, { stdio: 'ignore' });
  return r.status === 0;
}

/** Why the validity checks can't run here, or undefined when they can. */
export function restoreUnavailable(): string | undefined {
  const missing = ['iptables-restore', 'ip6tables-restore', 'ipset', 'unshare'].filter(
    (c) => spawnSync('sh', ['-c', `command -v ${c}`], { stdio: 'ignore' }).status !== 0,
  );
  if (missing.length)
    return `${missing.join(', ')} not installed (Debian packages iptables, ipset, util-linux)`;
  if (!works('unshare', ['--net', 'true'])) return 'unshare --net is refused here (needs root)';
  return undefined;
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** Runs the checks; throws with the tool's message when one refuses a file. */
export function restoreTest(files: readonly SaveText[]): void {
  const sets = files.filter((f) => /^create\s/m.test(f.text) && !/^\*/m.test(f.text));
  const rules = files.filter((f) => !sets.includes(f));
  const created = new Set(sets.flatMap((f) => [...f.text.matchAll(/^create\s+(\S+)/gm)].map((m) => m[1]!)));
  const lines: string[] = ['set -e'];
  for (const s of sets) lines.push(`printf '%s' ${quote(s.text)} | ipset restore`);
  for (const r of rules) {
    const v6 = /ip6tables-save/.test(r.text);
    for (const m of r.text.matchAll(/--match-set\s+(\S+)/g)) {
      if (created.has(m[1]!)) continue;
      created.add(m[1]!);
      lines.push(`ipset create ${quote(m[1]!)} hash:net family ${v6 ? 'inet6' : 'inet'}`);
    }
    lines.push(
      `printf '%s' ${quote(r.text)} | ${v6 ? 'ip6tables-restore' : 'iptables-restore'} --test || { echo ${quote(r.path)} >&2; exit 1; }`,
    );
  }
  execFileSync('unshare', ['--net', 'sh', '-c', lines.join('\n')], { stdio: 'pipe' });
}
