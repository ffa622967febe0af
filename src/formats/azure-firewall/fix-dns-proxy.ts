import type { InputFile } from '../../input/input-file.js';
import { collectResources, referencedName } from './resources.js';
import type { View } from './view.js';

function flag(v: View | undefined): boolean | undefined {
  if (!v || v.raw === null) return undefined;
  try {
    const b = v.boolean();
    return typeof b === 'boolean' ? b : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether DNS proxy is on for the policy (a fix-layout owner key): the policy's `dnsSettings.enableProxy`,
 * else its parent's; a classic firewall's `Network.DNS.EnableProxy` ("Azure Firewall DNS settings",
 * https://learn.microsoft.com/azure/firewall/dns-settings). Undefined where the input doesn't tell.
 */
export function dnsProxyOf(files: readonly InputFile[], ownerKey: string): boolean | undefined {
  const index = collectResources(files);
  const [kind, key] = [ownerKey.slice(0, ownerKey.indexOf(':')), ownerKey.slice(ownerKey.indexOf(':') + 1)];
  if (kind === 'firewall') {
    const fw = index.firewalls.find((f) => f.name.toLowerCase() === key);
    if (!fw) return undefined;
    const v = fw.props.get('additionalProperties')?.get('Network.DNS.EnableProxy');
    if (!v) return false;
    return flag(v);
  }
  const seen = new Set<string>();
  let current = key;
  for (;;) {
    if (seen.has(current)) return undefined;
    seen.add(current);
    const policy = index.policies.find((p) => p.key === current && !p.existing);
    if (!policy) return undefined;
    const setting = policy.props.get('dnsSettings')?.get('enableProxy');
    if (setting && setting.raw !== null) return flag(setting);
    const base = policy.props.get('basePolicy')?.get('id');
    if (!base) return false;
    const text = base.text();
    if (typeof text !== 'string') return undefined;
    current = referencedName(text).name.toLowerCase();
  }
}
