import type { ConfigCommand, ConfigLine } from './config-lines.js';
import { lineError } from './config-lines.js';

/**
 * Object and object-group definitions as written, before resolution. Syntax: "Cisco ASA Series Firewall
 * CLI Configuration Guide", chapter "Objects for Access Control" (object network, object service,
 * object-group network / service / protocol / icmp-type / user / security), and the `name` command
 * ("Cisco ASA Series Command Reference", name).
 */
export type GroupKind = 'network' | 'service' | 'port' | 'protocol' | 'icmp-type' | 'user' | 'security';

export interface ObjectGroupDef {
  name: string;
  kind: GroupKind;
  /** For typed service groups (`object-group service NAME tcp|udp|tcp-udp`): the protocol word. */
  portProtocol?: 'tcp' | 'udp' | 'tcp-udp';
  line: number;
  members: ConfigLine[];
}

export interface NetworkObjectDef {
  name: string;
  line: number;
  /** The `host` / `subnet` / `range` / `fqdn` line; the last one wins, as when the object is edited. */
  address?: ConfigLine;
}

export interface ServiceObjectDef {
  name: string;
  line: number;
  service?: ConfigLine;
}

export interface NameAlias {
  address: string;
  line: number;
}

export interface ObjectTables {
  names: Map<string, NameAlias>;
  networkObjects: Map<string, NetworkObjectDef>;
  serviceObjects: Map<string, ServiceObjectDef>;
  groups: Map<string, ObjectGroupDef>;
}

export function emptyTables(): ObjectTables {
  return { names: new Map(), networkObjects: new Map(), serviceObjects: new Map(), groups: new Map() };
}

/** The sub-commands each group kind accepts (besides `description`). */
const GROUP_MEMBERS: Record<GroupKind, readonly string[]> = {
  network: ['network-object', 'group-object'],
  service: ['service-object', 'group-object'],
  port: ['port-object', 'group-object'],
  protocol: ['protocol-object', 'group-object'],
  'icmp-type': ['icmp-object', 'group-object'],
  user: ['user', 'user-group', 'group-object'],
  security: ['security-group', 'group-object'],
};

/** Sub-commands that only make sense inside an object-group. */
export const GROUP_MEMBER_WORDS = new Set([
  'network-object',
  'service-object',
  'port-object',
  'protocol-object',
  'icmp-object',
  'group-object',
]);

function describeAllowed(words: readonly string[]): string {
  return [...words, 'description'].join(', ');
}

/** `object-group KIND NAME [tcp|udp|tcp-udp]`. */
export function readObjectGroup(path: string, cmd: ConfigCommand, tables: ObjectTables): void {
  const [, kindWord, name, extra] = cmd.words;
  if (kindWord === undefined || name === undefined) {
    throw lineError(path, cmd, 'incomplete "object-group" line; expected "object-group TYPE NAME"');
  }
  let kind: GroupKind;
  let portProtocol: ObjectGroupDef['portProtocol'];
  switch (kindWord.toLowerCase()) {
    case 'network':
      kind = 'network';
      break;
    case 'service': {
      const typed = extra?.toLowerCase();
      if (typed === 'tcp' || typed === 'udp' || typed === 'tcp-udp') {
        kind = 'port';
        portProtocol = typed;
      } else if (extra === undefined) {
        kind = 'service';
      } else {
        throw lineError(
          path,
          cmd,
          `"object-group service ${name} ${extra}": expected tcp, udp or tcp-udp after the group name, or nothing`,
        );
      }
      break;
    }
    case 'protocol':
      kind = 'protocol';
      break;
    case 'icmp-type':
      kind = 'icmp-type';
      break;
    case 'user':
      kind = 'user';
      break;
    case 'security':
      kind = 'security';
      break;
    default:
      throw lineError(
        path,
        cmd,
        `unknown object-group type "${kindWord}"; expected network, service, protocol, icmp-type, user or security`,
      );
  }
  if (kind !== 'port' && extra !== undefined && kindWord.toLowerCase() !== 'service') {
    throw lineError(path, cmd, `unexpected "${extra}" after "object-group ${kindWord} ${name}"`);
  }
  let group = tables.groups.get(name);
  if (group) {
    // Entering an existing group's mode again adds to it; its type can't change.
    if (group.kind !== kind || group.portProtocol !== portProtocol) {
      throw lineError(
        path,
        cmd,
        `object-group "${name}" is already defined at line ${group.line} as another type (${describeKind(group)})`,
      );
    }
  } else {
    group = { name, kind, line: cmd.line, members: [], ...(portProtocol ? { portProtocol } : {}) };
    tables.groups.set(name, group);
  }
  const allowed = GROUP_MEMBERS[kind];
  for (const child of cmd.children) {
    const word = child.words[0]!.toLowerCase();
    if (word === 'description') continue;
    if (!allowed.includes(word)) {
      throw lineError(
        path,
        child,
        `unexpected "${child.words[0]}" inside "object-group ${kindWord} ${name}" (line ${cmd.line}); expected ${describeAllowed(allowed)}`,
      );
    }
    group.members.push(child);
  }
}

export function describeKind(group: ObjectGroupDef): string {
  if (group.kind === 'port') return `service ${group.portProtocol}`;
  return group.kind;
}

/** `object network NAME` or `object service NAME` with its sub-commands. */
export function readObject(path: string, cmd: ConfigCommand, tables: ObjectTables): void {
  const [, kindWord, name] = cmd.words;
  if (kindWord === undefined || name === undefined) {
    throw lineError(
      path,
      cmd,
      'incomplete "object" line; expected "object network NAME" or "object service NAME"',
    );
  }
  const kind = kindWord.toLowerCase();
  if (kind === 'network') {
    let obj = tables.networkObjects.get(name);
    if (!obj) {
      obj = { name, line: cmd.line };
      tables.networkObjects.set(name, obj);
    }
    for (const child of cmd.children) {
      const word = child.words[0]!.toLowerCase();
      if (word === 'description' || word === 'nat') continue;
      if (word === 'host' || word === 'subnet' || word === 'range' || word === 'fqdn') {
        obj.address = child;
        continue;
      }
      throw lineError(
        path,
        child,
        `unexpected "${child.words[0]}" inside "object network ${name}" (line ${cmd.line}); expected host, subnet, range, fqdn, nat or description`,
      );
    }
    return;
  }
  if (kind === 'service') {
    let obj = tables.serviceObjects.get(name);
    if (!obj) {
      obj = { name, line: cmd.line };
      tables.serviceObjects.set(name, obj);
    }
    for (const child of cmd.children) {
      const word = child.words[0]!.toLowerCase();
      if (word === 'description') continue;
      if (word === 'service') {
        obj.service = child;
        continue;
      }
      throw lineError(
        path,
        child,
        `unexpected "${child.words[0]}" inside "object service ${name}" (line ${cmd.line}); expected service or description`,
      );
    }
    return;
  }
  throw lineError(path, cmd, `unknown object type "${kindWord}"; expected network or service`);
}

/** `name ADDRESS NAME [description TEXT]`: an alias usable wherever an address is (with `names` on). */
export function readName(path: string, cmd: ConfigCommand, tables: ObjectTables): void {
  const [, address, alias] = cmd.words;
  if (address === undefined || alias === undefined) {
    throw lineError(path, cmd, 'incomplete "name" line; expected "name ADDRESS NAME"');
  }
  tables.names.set(alias, { address, line: cmd.line });
}
