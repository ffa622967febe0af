import { createHash } from 'node:crypto';
import { flowLabel } from '../model/flow.js';
import type { Remediation } from '../remediate/remediate.js';
import type { FlowJson, JsonReport, PolicyResultJson } from './json-report.js';

/** SARIF 2.1.0 (OASIS), the subset code scanning reads: https://docs.oasis-open.org/sarif/sarif/v2.1.0/ */
export interface SarifOptions {
  /** The artifact URI for a report path: relative to the repository root, forward slashes. */
  uriFor: (path: string) => string;
  /** File texts by report path, for fixes that append at the end of a file. */
  texts?: Pick<ReadonlyMap<string, string>, 'get'>;
}

const SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

interface SarifRule {
  id: string;
  name: string;
  shortDescription: { text: string };
  fullDescription: { text: string };
  help: { text: string };
  defaultConfiguration: { level: 'error' | 'warning' };
}

/** "RemoteSparkStunTurn" for "stun-turn": SARIF rule names are identifiers. */
const ruleName = (role: string) =>
  `RemoteSpark${role
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('')}FlowNotAllowed`;

function rulesOf(report: JsonReport): SarifRule[] {
  const byRole = new Map<string, FlowJson>();
  for (const f of report.flows) if (!byRole.has(f.role)) byRole.set(f.role, f);
  return [...byRole.values()].map((f) => ({
    id: `remotespark/${f.role}`,
    name: ruleName(f.role),
    shortDescription: { text: `RemoteSpark ${f.roleLabel} flow not allowed` },
    fullDescription: {
      text: `The firewall config does not allow a flow RemoteSpark needs for its ${f.roleLabel} (${f.severity}).`,
    },
    help: {
      text: 'Allow the flow before the rule that blocks it; the result names the deciding rule, and a fix in the vendor syntax is attached where the tool could prove one.',
    },
    defaultConfiguration: { level: f.severity === 'required' ? 'error' : 'warning' },
  }));
}

function location(r: PolicyResultJson): { path: string; line: number } {
  if (r.rule) return { path: r.rule.path, line: r.rule.line };
  if (r.default?.path !== undefined) return { path: r.default.path, line: r.default.line ?? 1 };
  return { path: r.path, line: 1 };
}

/** Stable across line moves: the policy, the flow and the deciding rule's identity (its name), hashed. */
function fingerprint(r: PolicyResultJson, f: FlowJson): string {
  const decider = r.rule ? `rule:${r.rule.name}` : `default:${r.default?.name ?? ''}`;
  return createHash('sha256')
    .update(`${r.path}\u0000${r.policy}\u0000${flowLabel(f)}\u0000${decider}`)
    .digest('hex');
}

function fixesFor(report: JsonReport, r: PolicyResultJson, f: FlowJson, options: SarifOptions): unknown[] {
  const label = flowLabel(f);
  const fixes = (report.remediations ?? []).filter(
    (x: Remediation) => x.verified && x.policy === r.policy && x.path === r.path && x.flows.includes(label),
  );
  return fixes.map((x) => ({
    description: {
      text: `Add rule "${x.rule ?? ''}" allowing ${x.flows.join(', ')} (proven by re-checking)`,
    },
    artifactChanges: [...new Set(x.edits.map((e) => e.path))].map((path) => ({
      artifactLocation: { uri: options.uriFor(path), uriBaseId: '%SRCROOT%' },
      replacements: x.edits
        .filter((e) => e.path === path)
        .map((e) => {
          const text = options.texts?.get(path);
          const lines =
            text === undefined ? undefined : text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
          // An insert before line L is an empty region at its start; past the last line, at the file's end.
          const region =
            lines !== undefined && e.line > lines
              ? { charOffset: text!.length, charLength: 0 }
              : { startLine: e.line, startColumn: 1, endLine: e.line, endColumn: 1 };
          return { deletedRegion: region, insertedContent: { text: e.insert } };
        }),
    })),
  }));
}

/** The report as a SARIF log: one result per failing flow and policy, at its deciding rule's line. */
export function renderSarif(report: JsonReport, options: SarifOptions): string {
  const rules = rulesOf(report);
  const index = new Map(rules.map((r, i) => [r.id, i]));
  const results = report.flows.flatMap((f) =>
    f.results
      .filter((r) => r.verdict !== 'allowed')
      .map((r) => {
        const at = location(r);
        const decided = r.rule ? `rule "${r.rule.name}"` : r.default ? r.default.name : 'the config';
        const fixes = fixesFor(report, r, f, options);
        return {
          ruleId: `remotespark/${f.role}`,
          ruleIndex: index.get(`remotespark/${f.role}`)!,
          level: f.severity === 'required' ? 'error' : 'warning',
          message: {
            text: `RemoteSpark ${f.severity} flow ${flowLabel(f)} (${f.roleLabel}) is ${r.verdict} in ${r.policy}: decided by ${decided}. ${r.detail}`,
          },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: options.uriFor(at.path), uriBaseId: '%SRCROOT%' },
                region: { startLine: at.line },
              },
            },
          ],
          partialFingerprints: { 'remotesparkFlow/v1': fingerprint(r, f) },
          ...(fixes.length ? { fixes } : {}),
        };
      }),
  );
  const log = {
    $schema: SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: report.tool.name,
            version: report.tool.version,
            semanticVersion: report.tool.version,
            rules,
          },
        },
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
