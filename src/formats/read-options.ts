/** What the user told about how to read configs, beyond the files themselves. */
export interface ReadOptions {
  /**
   * The built-in chain (iptables) or hook (nftables) that carries client traffic: FORWARD on a router,
   * OUTPUT on a host. Unset: the reader works it out from the rules and says how.
   */
  chain?: TrafficChain;
}

export type TrafficChain = 'FORWARD' | 'OUTPUT';
