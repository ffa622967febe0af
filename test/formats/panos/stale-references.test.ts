import { describe, expect, it } from 'vitest';
import { parseFlowSpec } from '../../../src/check/flow-spec.js';
import { evaluateFlow } from '../../../src/evaluate/evaluate.js';
import { panosReader } from '../../../src/formats/panos/panos-reader.js';
import { matchAddress } from '../../../src/model/address.js';
import { matchService } from '../../../src/model/service.js';
import { ZoneSet } from '../../../src/model/zone-set.js';
import { firewallXml, lineOf, readOne, rule } from './helpers.js';

const PATH = 'running-config.xml';

describe('PAN-OS: a reference to something the export does not define (a trimmed export)', () => {
  it('an address: an unknown part of the rule using it, a warning at its line, never an allowed flow', () => {
    const text = firewallXml('', [
      { name: 'to-relays', destination: ['rs-relays'], action: 'allow' },
      { name: 'other', source: ['10.1.0.0/16'], action: 'deny' },
    ]);
    const p = readOne(text);
    const at = { path: PATH, line: lineOf(text, 'rs-relays') };
    expect(matchAddress(rule(p, 'to-relays').destinations, { kind: 'addresses' })).toMatchObject({
      why: expect.stringMatching(
        /undefined address object or group "rs-relays" \(looked up in vsys "vsys1", shared\)/,
      ),
    });
    expect(p.warnings).toEqual([
      {
        message: expect.stringMatching(
          /^undefined address object or group "rs-relays" .*: the export doesn't define it/,
        ),
        location: at,
      },
    ]);
    const r = evaluateFlow(p, parseFlowSpec('*:3478/udp'), { sourceZones: ZoneSet.of(['trust']) });
    expect(r.verdict).toBe('unknown');
    expect(p.rules[r.decidedBy!]!.name).toBe('to-relays');
  });

  it('a service: unknown on every port, so a deny using it leaves what follows unknown', () => {
    const text = firewallXml('', [
      { name: 'deny-legacy', service: ['tcp-8443'], action: 'deny' },
      { name: 'allow-all', action: 'allow' },
    ]);
    const p = readOne(text);
    expect(matchService(rule(p, 'deny-legacy').services, 443, 'tcp')).toMatchObject({
      result: 'maybe',
      why: expect.stringMatching(/undefined service or service group "tcp-8443"/),
    });
    expect(p.warnings?.map((w) => w.location)).toEqual([{ path: PATH, line: lineOf(text, 'tcp-8443') }]);
    const r = evaluateFlow(p, parseFlowSpec('*:443/tcp'), { sourceZones: ZoneSet.of(['trust']) });
    expect({ verdict: r.verdict, by: p.rules[r.decidedBy!]!.name }).toEqual({
      verdict: 'unknown',
      by: 'deny-legacy',
    });
  });

  it('a zone the vsys does not define: kept as named, a warning, and the zones count as incomplete', () => {
    const text = firewallXml('', [{ name: 'r', from: ['tust'] }]);
    const p = readOne(text);
    expect(String(rule(p, 'r').sourceZones)).toBe('tust');
    expect(p.zones).toMatchObject({ known: ['untrust', 'trust', 'tust'], incomplete: true });
    expect(p.warnings).toEqual([
      {
        message: expect.stringMatching(
          /^rule "r": undefined zone "tust" \(vsys "vsys1" defines untrust, trust\)/,
        ),
        location: { path: PATH, line: lineOf(text, 'tust') },
      },
    ]);
  });

  it('one warning per name, listing the other lines that use it', () => {
    const text = firewallXml('', [
      { name: 'a', destination: ['gone'] },
      { name: 'b', source: ['gone'] },
    ]);
    const p = readOne(text);
    const lines = text.split('\n').flatMap((l, i) => (l.includes('gone') ? [i + 1] : []));
    expect(lines).toHaveLength(2);
    expect(p.warnings).toHaveLength(1);
    expect(p.warnings![0]!.location!.line).toBe(lines[0]);
    expect(p.warnings![0]!.message).toMatch(new RegExp(`also used at line ${lines[1]}$`));
  });

  it('a stale member of a shared group is warned of in every vsys whose rules use the group', () => {
    const vsys = (name: string) =>
      `<entry name="${name}"><zone><entry name="z"><network><layer3/></network></entry></zone><rulebase><security><rules>` +
      `<entry name="r-${name}"><from><member>any</member></from><to><member>any</member></to><source><member>any</member></source>` +
      `<destination><member>relays</member></destination><application><member>any</member></application>` +
      `<service><member>any</member></service><action>allow</action></entry></rules></security></rulebase></entry>`;
    const text = [
      '<config version="10.2.0">',
      '<shared><address-group><entry name="relays"><static>',
      '<member>203.0.113.9</member>',
      '<member>relay-b</member>',
      '</static></entry></address-group></shared>',
      '<devices><entry name="localhost.localdomain"><vsys>',
      vsys('vsys1'),
      vsys('vsys2'),
      '</vsys></entry></devices></config>',
    ].join('\n');
    const policies = panosReader.read([{ path: PATH, text }]);
    expect(policies.map((p) => p.warnings?.map((w) => w.location?.line))).toEqual([
      [lineOf(text, 'relay-b')],
      [lineOf(text, 'relay-b')],
    ]);
  });

  it('a stale member of a group no rule uses neither refuses the file nor warns', () => {
    const objects =
      '<address-group><entry name="unused"><static><member>gone</member></static></entry></address-group>';
    const p = readOne(firewallXml(objects, [{ name: 'r' }]));
    expect(p.warnings).toBeUndefined();
  });
});

describe('PAN-OS: predefined objects exports use without defining them', () => {
  it('any, application-default, service-http, service-https, built-in lists, regions and App-IDs resolve, unwarned', () => {
    const text = firewallXml('', [
      { name: 'web', application: ['ssl', 'web-browsing'], service: ['application-default'] },
      { name: 'http', service: ['service-http', 'service-https'] },
      { name: 'feeds', destination: ['panw-highrisk-ip-list', 'CN'], action: 'deny' },
    ]);
    const p = readOne(text);
    expect(p.warnings).toBeUndefined();
    const http = rule(p, 'http').services;
    // service-http is TCP 80 and 8080, service-https TCP 443 (the firewall's predefined services).
    expect([80, 8080, 443, 8443].map((port) => matchService(http, port, 'tcp').result)).toEqual([
      'yes',
      'yes',
      'yes',
      'no',
    ]);
    expect(matchAddress(rule(p, 'feeds').destinations, { kind: 'addresses' }).why).toMatch(
      /built-in external dynamic list "panw-highrisk-ip-list"|region "CN"/,
    );
  });
});
