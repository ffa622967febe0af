import type { InputFile } from '../../input/input-file.js';
import { ipsExpr, unknownExpr, type AddressExpr } from '../../model/address.js';
import { IntervalSet } from '../../model/interval-set.js';
import { AddressSyntaxError, parseAddress } from '../../model/ip.js';
import type { Policy } from '../../model/policy.js';
import type { FormatReader } from '../format-reader.js';
import { readAccessLists, type AccessList } from './access-lists.js';
import { AddressResolver } from './addresses.js';
import { lineError, splitConfig, type ConfigCommand, type ConfigLine } from './config-lines.js';
import { asaFormat } from './detect.js';
import {
  emptySettings,
  readAccessGroup,
  readInterface,
  readRoute,
  type DeviceSettings,
} from './interfaces.js';
import {
  emptyTables,
  GROUP_MEMBER_WORDS,
  readName,
  readObject,
  readObjectGroup,
  type ObjectTables,
} from './objects.js';
import { buildPolicy } from './policy-builder.js';
import { remediateAsa } from './remediate.js';
import { ServiceResolver } from './services.js';
import { StaleReferences } from './stale-references.js';

interface Collected {
  tables: ObjectTables;
  settings: DeviceSettings;
  accessLists: ConfigCommand[];
}

/**
 * First pass: sorts the top-level commands into object tables, device settings and access-list lines.
 * Commands that don't affect access control (logging, crypto, aaa, ...) are skipped with their
 * sub-commands; object-group member lines anywhere but inside their group are errors.
 */
function collect(path: string, commands: readonly ConfigCommand[]): Collected {
  const tables = emptyTables();
  const settings = emptySettings();
  const accessLists: ConfigCommand[] = [];
  const defined = new Map<string, number>();
  const define = (cmd: ConfigCommand, name: string | undefined, kind: 'object' | 'object-group') => {
    if (name === undefined) return;
    // Objects and object groups share one name space ("Objects for Access Control", Guidelines).
    const isObject = tables.networkObjects.has(name) || tables.serviceObjects.has(name);
    const isGroup = tables.groups.has(name);
    if ((kind === 'object' && isGroup) || (kind === 'object-group' && isObject)) {
      throw lineError(
        path,
        cmd,
        `"${name}" is already defined at line ${defined.get(name)} as ${kind === 'object' ? 'an object-group' : 'an object'}; objects and object groups share one name space`,
      );
    }
    if (!defined.has(name)) defined.set(name, cmd.line);
  };
  for (const cmd of commands) {
    const w0 = cmd.words[0]!.toLowerCase();
    const w1 = cmd.words[1]?.toLowerCase();
    if (GROUP_MEMBER_WORDS.has(w0)) {
      throw lineError(
        path,
        cmd,
        `"${cmd.words[0]}" outside any object-group; a group member is indented under its "object-group TYPE NAME" line`,
      );
    }
    if (w0 !== 'object-group') checkForeignMembers(path, cmd);
    switch (w0) {
      case 'object-group':
        define(cmd, cmd.words[2], 'object-group');
        readObjectGroup(path, cmd, tables);
        continue;
      case 'object':
        define(cmd, cmd.words[2], 'object');
        readObject(path, cmd, tables);
        continue;
      case 'name':
        readName(path, cmd, tables);
        continue;
      case 'interface':
        settings.anyInterface = true;
        readInterface(path, cmd, settings);
        continue;
      case 'access-list':
        accessLists.push(cmd);
        continue;
      case 'access-group':
        readAccessGroup(path, cmd, settings);
        continue;
      case 'route':
        readRoute(cmd, settings);
        continue;
      case 'hostname':
        if (cmd.words[1] !== undefined) settings.hostname = cmd.words[1];
        continue;
      case 'asa': {
        const m = /^(\d+)\.(\d+)/.exec(cmd.words[2] ?? '');
        if (w1 === 'version' && m)
          settings.version = { major: Number(m[1]), minor: Number(m[2]), line: cmd.line };
        continue;
      }
      case 'same-security-traffic':
        if (w1 === 'permit' && cmd.words[2]?.toLowerCase() === 'inter-interface')
          settings.sameSecurityInter = cmd.line;
        if (w1 === 'permit' && cmd.words[2]?.toLowerCase() === 'intra-interface')
          settings.sameSecurityIntra = cmd.line;
        continue;
      case 'firewall':
        if (w1 === 'transparent') settings.transparent = cmd.line;
        continue;
      case 'dns':
        if (w1 === 'domain-lookup') settings.dnsLookup = true;
        if (w1 === 'name-server') settings.dnsServer = true;
        if (w1 === 'server-group' && cmd.children.some((c) => c.words[0]!.toLowerCase() === 'name-server')) {
          settings.dnsServer = true;
        }
        continue;
      case 'ipv6':
        if (w1 === 'route') readRoute(cmd, settings);
        if (w1 === 'access-list') checkIpv6AccessList(path, cmd, settings);
        continue;
    }
  }
  return { tables, settings, accessLists };
}

/** Object-group member lines indented under a command that is no object-group: broken nesting. */
function checkForeignMembers(path: string, cmd: ConfigCommand): void {
  for (const child of cmd.children) {
    const word = child.words[0]!.toLowerCase();
    if (GROUP_MEMBER_WORDS.has(word) && child.indent <= 2) {
      throw lineError(
        path,
        child,
        `"${child.words[0]}" under "${cmd.words[0]}" (line ${cmd.line}), outside any object-group; a group member belongs under its "object-group TYPE NAME" line`,
      );
    }
  }
}

/** ASA 9.0 merged IPv6 ACLs into extended ones; a 9.x config with `ipv6 access-list` is not one the ASA wrote. */
function checkIpv6AccessList(path: string, cmd: ConfigCommand, settings: DeviceSettings): void {
  if (settings.version && settings.version.major < 9) return;
  throw lineError(
    path,
    cmd,
    '"ipv6 access-list" is pre-9.0 syntax (9.0 merged IPv6 into extended ACLs); add the "ASA Version 8.x" line if this is an 8.x config',
  );
}

function interfaceAddress(settings: DeviceSettings, path: string, stale: StaleReferences) {
  const cache = new Map<string, AddressExpr>();
  return (name: string, at: ConfigLine): AddressExpr => {
    const cached = cache.get(name);
    if (cached) return cached;
    const intf = settings.interfaces.get(name);
    if (!intf) return unknownExpr(stale.use(`nameif "${name}"`, at.line));
    let expr: AddressExpr;
    if (intf.addresses.length > 0 && !intf.dynamicAddress) {
      try {
        expr = ipsExpr(
          IntervalSet.unionAll(intf.addresses.map((a) => IntervalSet.point(parseAddress(a).value))),
        );
      } catch (e) {
        if (!(e instanceof AddressSyntaxError)) throw e;
        throw lineError(path, { line: intf.line }, `interface ${intf.hardware}: ${e.message}`);
      }
    } else {
      expr = unknownExpr({
        reason: `the address of interface ${name} is ${intf.dynamicAddress ? `assigned by ${intf.dynamicAddress.toUpperCase()}` : 'not configured'}`,
        location: { path, line: intf.line },
      });
    }
    cache.set(name, expr);
    return expr;
  };
}

/** A configuration as read: its policy, and the tables and ACLs a fix is written against. */
export interface AsaConfig {
  policy: Policy;
  tables: ObjectTables;
  settings: DeviceSettings;
  acls: ReadonlyMap<string, AccessList>;
  addresses: AddressResolver;
  services: ServiceResolver;
}

/** Reads one ASA configuration file into its policy. Throws InputError naming file:line. */
export function readAsaFile(file: InputFile): Policy {
  return readAsaConfig(file).policy;
}

/** Reads one ASA configuration file, keeping what it was read from. Throws InputError naming file:line. */
export function readAsaConfig(file: InputFile): AsaConfig {
  const config = splitConfig(file.path, file.text);
  const { tables, settings, accessLists } = collect(file.path, config.commands);
  const notes: string[] = [];
  const anyIsDualStack = !settings.version || settings.version.major >= 9;
  if (!settings.version) notes.push('no "ASA Version" line: read as ASA 9.x ("any" is IPv4 and IPv6)');
  const fqdnUnresolvable =
    settings.dnsLookup && settings.dnsServer
      ? undefined
      : 'the ASA resolves FQDN objects with its own DNS, and the config has no "dns domain-lookup" with a DNS server ("name-server"), so what it matches is unknown';
  const stale = new StaleReferences(file.path);
  const addresses = new AddressResolver(tables, {
    path: file.path,
    anyIsDualStack,
    ...(fqdnUnresolvable ? { fqdnUnresolvable } : {}),
    interfaceAddress: interfaceAddress(settings, file.path, stale),
    stale,
  });
  const services = new ServiceResolver(file.path, tables, stale);
  addresses.checkAll();
  services.checkAll();
  const acls = readAccessLists(accessLists, { path: file.path, addresses, services });
  if (settings.transparent !== undefined) {
    notes.push(
      `transparent firewall mode (line ${settings.transparent}): bridge-group interfaces are read like routed ones; EtherType rules are not modelled`,
    );
  }
  const policy = buildPolicy({ path: file.path, settings, acls, notes, stale });
  return { policy, tables, settings, acls, addresses, services };
}

/**
 * Cisco ASA `show running-config` / saved configurations (ASA 8.3 and later; 9.x in full). One file is one
 * firewall or one security context; the policy's zones are the interfaces' `nameif`s.
 */
export const asaReader: FormatReader = {
  ...asaFormat,
  read(files: readonly InputFile[]): Policy[] {
    return files.map(readAsaFile);
  },
  remediate: (request) => remediateAsa(request, readAsaConfig),
};
