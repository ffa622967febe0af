import type { TrafficChain } from '../formats/read-options.js';
import { UsageError } from './usage-error.js';

/** `--chain`: FORWARD (a router) or OUTPUT (a host), in any case. */
export function parseChainOption(text: string | undefined, name = '--chain'): TrafficChain | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  const chain = text.trim().toUpperCase();
  if (chain === 'FORWARD' || chain === 'OUTPUT') return chain;
  throw new UsageError(
    `${name} "${text}" is not FORWARD (clients routed through the firewall) or OUTPUT (the firewall is the client)`,
  );
}
