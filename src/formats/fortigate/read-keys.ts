/** Accept-policy settings that apply security profiles, which can block traffic the policy accepts. */
export const PROFILE_KEYS = [
  'application-list',
  'webfilter-profile',
  'dnsfilter-profile',
  'ips-sensor',
  'av-profile',
  'profile-group',
];

/** Address and VIP settings whose malformed value makes the object unknown. */
export const ADDRESS_VALUE_KEYS = [
  'type',
  'subnet',
  'ip6',
  'start-ip',
  'end-ip',
  'fqdn',
  'wildcard-fqdn',
  'wildcard',
  'extip',
  'portforward',
];

const ISDB_SWITCHES = [
  'internet-service',
  'internet-service-src',
  'internet-service6',
  'internet-service6-src',
];

const POLICY_KEYS = [
  'name',
  'status',
  'action',
  'srcintf',
  'dstintf',
  'interface',
  'srcaddr',
  'dstaddr',
  'srcaddr4',
  'dstaddr4',
  'srcaddr6',
  'dstaddr6',
  'srcaddr-negate',
  'dstaddr-negate',
  'srcaddr6-negate',
  'dstaddr6-negate',
  ...ISDB_SWITCHES.flatMap((s) =>
    ['', '-name', '-id', '-group', '-custom', '-custom-group', '-negate'].map((part) => s + part),
  ),
  'service',
  'service-negate',
  'schedule',
  // Conditions the check can't decide (rules.ts CONDITION_FIELDS).
  'users',
  'groups',
  'fsso-groups',
  'application',
  'app-category',
  'app-group',
  'url-category',
  'devices',
  'src-vendor-mac',
  'ztna-ems-tag',
  'ztna-status',
  'reputation-minimum',
  'utm-status',
  ...PROFILE_KEYS,
  // For the fixes (fix-facts.ts): they enable NAT as the other accept policies to the WAN do.
  'nat',
];

// `associated-interface`: a fix reuses an object only where it may (fix-objects.ts).
const ADDRESS_KEYS = [...ADDRESS_VALUE_KEYS, 'country', 'sub-type', 'interface', 'associated-interface'];

const GROUP_KEYS = ['category', 'member', 'exclude', 'exclude-member'];

const keys = (list: readonly string[]): ReadonlyMap<string, string> => new Map(list.map((k) => [k, k]));

const policy = keys(POLICY_KEYS);
const address = keys(ADDRESS_KEYS);
const group = keys(GROUP_KEYS);
const none = keys([]);
const route = keys([
  'status',
  'blackhole',
  'dstaddr',
  'internet-service',
  'dst',
  'device',
  'virtual-wan-link',
  'sdwan-zone',
  'sdwan',
]);

/**
 * The tables this reader interprets, and the settings it uses in each. Blocks at a scope's top level (the
 * file, `config global`, or a VDOM's `edit`) are stored only when listed here; the rest (profiles,
 * certificates, logging ...) is parsed for its structure and dropped. Of a kept table's entries, only
 * the settings listed are kept: the rest (uuid, comments, logging, profiles' options ...) is skipped as the
 * file streams by. A key the reader asks for must be listed here
 * (the entry's settings throw otherwise, so a missing one shows up in the tests, not as a wrong verdict).
 * Tables mapped to `undefined` keep every setting; blocks nested in an entry keep every setting.
 */

export type KeptKeys = ReadonlyMap<string, ReadonlyMap<string, string> | undefined>;

export const KEPT_KEYS: KeptKeys = new Map([
  ['system global', none],
  ['system settings', keys(['consolidated-firewall-mode', 'ngfw-mode'])],
  ['system interface', keys(['vdom', 'type', 'member', 'dedicated-to', 'ip'])],
  ['system zone', keys(['interface'])],
  ['system virtual-wan-link', keys(['status'])],
  ['system sdwan', keys(['status'])],
  ['router static', route],
  ['router static6', route],
  ['firewall address', address],
  ['firewall address6', address],
  ['firewall addrgrp', group],
  ['firewall addrgrp6', group],
  ['firewall vip', address],
  ['firewall vip6', address],
  ['firewall vipgrp', group],
  ['firewall vipgrp6', group],
  // A malformed value of any key makes a custom service unknown: every setting is kept.
  ['firewall service custom', undefined],
  ['firewall service group', keys(['member'])],
  ['firewall policy', policy],
  ['firewall policy6', policy],
  ['firewall consolidated policy', policy],
  ['firewall security-policy', none],
  ['firewall proxy-policy', none],
  ['firewall acl', policy],
  ['firewall acl6', policy],
]);

/** The scope-level tables the reader keeps. */
export const READ_PATHS: ReadonlySet<string> = new Set(KEPT_KEYS.keys());
