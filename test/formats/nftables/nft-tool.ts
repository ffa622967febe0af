import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function works(cmd: string, args: string[]): boolean {
  return spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
}

/**
 * Why `nft -c` can't be run here, or undefined when it can. `nft -c` talks to the kernel (it needs
 * CAP_NET_ADMIN), so it runs in a fresh network namespace (`unshare --net`): the host's ruleset is untouched.
 */
export function nftUnavailable(): string | undefined {
  const missing = ['nft', 'unshare'].filter((t) => !works('sh', ['-c', `command -v ${t}`]));
  if (missing.length) return `${missing.join(' and ')} not installed (Debian package nftables, util-linux)`;
  if (!works('unshare', ['--net', 'true']))
    return 'unshare --net is refused here (needs root or CAP_SYS_ADMIN)';
  return undefined;
}

/**
 * Checks files with `nft -c -f` in a fresh network namespace: `setup` (if given) is loaded first with
 * `nft -f`, then each file is checked in order. Throws with nft's own message when one is refused.
 */
export function nftCheck(files: { name: string; text: string; json?: boolean }[], setup?: string): void {
  const dir = mkdtempSync(join(tmpdir(), 'rsfc-nft-'));
  try {
    const lines = ['set -e'];
    if (setup !== undefined) {
      writeFileSync(join(dir, 'setup.nft'), setup);
      lines.push(`nft -f '${join(dir, 'setup.nft')}'`);
    }
    files.forEach((f, i) => {
      const path = join(dir, `${i}.nft`);
      writeFileSync(path, f.text);
      lines.push(
        `nft ${f.json ? '-j ' : ''}-c -f '${path}' || { echo "refused: ${f.name.replace(/[^\w./-]/g, '_')}" >&2; exit 1; }`,
      );
    });
    execFileSync('unshare', ['--net', 'sh', '-c', lines.join('\n')], { stdio: 'pipe' });
  } catch (e) {
    const err = e as { stderr?: Buffer; message: string };
    throw new Error(err.stderr?.toString() || err.message);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
