import { run } from './exec.js';

const TOOLS = ['ip', 'nft', 'iptables-restore', 'ip6tables-restore', 'ipset'];

/**
 * Why the kernel oracle can't run here (not Linux, not root, a tool missing, network namespaces refused),
 * or undefined when it can.
 */
export async function kernelOracleUnavailable(): Promise<string | undefined> {
  if (process.platform !== 'linux') return `needs Linux (this is ${process.platform})`;
  if (process.getuid?.() !== 0) return 'needs root, to create network namespaces';
  for (const tool of TOOLS) {
    const r = await run(['sh', '-c', `command -v ${tool}`]).catch(() => undefined);
    if (r?.code !== 0)
      return `needs ${tool} (Debian packages iproute2, nftables, iptables, ipset), not found on PATH`;
  }
  const probe = `rsfc-probe-${process.pid}-${Date.now()}`;
  const add = await run(['ip', 'netns', 'add', probe]);
  if (add.code !== 0) return `network namespaces are unavailable: ip netns add: ${add.stderr.trim()}`;
  const nft = await run(['ip', 'netns', 'exec', probe, 'nft', 'list', 'ruleset']);
  await run(['ip', 'netns', 'del', probe]);
  if (nft.code !== 0) return `nftables is unavailable in a namespace: ${nft.stderr.trim()}`;
  return undefined;
}

/**
 * The reason to skip, or undefined to run. With KERNEL_ORACLE_REQUIRED=1 (CI) an unavailable oracle
 * throws instead, so the differential tests can't pass by being skipped.
 */
export async function kernelOracleSkipReason(): Promise<string | undefined> {
  const reason = await kernelOracleUnavailable();
  if (reason === undefined) return undefined;
  if (process.env.KERNEL_ORACLE_REQUIRED === '1')
    throw new Error(`KERNEL_ORACLE_REQUIRED=1 but the kernel oracle can't run: ${reason}`);
  console.warn(`kernel oracle skipped: ${reason}`);
  return reason;
}
