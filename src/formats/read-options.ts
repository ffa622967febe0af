/** What the user told about how to read configs, beyond the files themselves. */
export interface ReadOptions {
  /**
   * The built-in chain (iptables) or hook (nftables) that carries client traffic: FORWARD on a router,
   * OUTPUT on a host. Unset: the reader works it out from the rules and says how.
   */
  chain?: TrafficChain;
  /**
   * False where no fix will be written from this read (a fix's proof reads the patched file): a reader
   * may skip noting what only its fix writer needs.
   */
  forFixes?: boolean;
}

export type TrafficChain = 'FORWARD' | 'OUTPUT';
