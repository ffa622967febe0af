import { MODES, type Mode } from '../catalog/index.js';
import { UsageError } from '../check/usage-error.js';
import { splitList } from './list-input.js';
import { parseChainOption } from '../check/chain-option.js';
import type { TrafficChain } from '../formats/read-options.js';

export const COMMENT_MODES = ['always', 'on-failure', 'never'] as const;
export const FAIL_ON = ['required', 'recommended', 'new', 'never'] as const;
export const TRACKING_ISSUE_MODES = ['auto', 'never'] as const;
export type CommentMode = (typeof COMMENT_MODES)[number];
export type FailOn = (typeof FAIL_ON)[number];
export type TrackingIssueMode = (typeof TRACKING_ISSUE_MODES)[number];

/** The settings the action and the repo config file share, by their input names. */
export const SETTING_NAMES = [
  'config',
  'remotespark-version',
  'mode',
  'source',
  'destination-zone',
  'destination-zone-override',
  'chain',
  'relay',
  'format',
  'catalog',
  'catalog-sha256',
  'require-backups',
  'comment',
  'fail-on',
  'baseline',
  'tracking-issue',
  'sarif',
] as const;
export type SettingName = (typeof SETTING_NAMES)[number];

/** A setting as given: a string (an input), or what the repo config file's schema allows. */
export type RawValue = string | string[] | boolean;
export type RawSettings = Partial<Record<SettingName, RawValue>>;

export interface ActionSettings {
  /** Config file patterns, as written (they also key the pull-request comment). */
  configs: string[];
  version: string;
  mode: Mode;
  sources: string[];
  destinationZones: string[];
  /** `POLICY=ZONE[,ZONE...]`, one per policy. */
  destinationZoneOverrides: string[];
  /** iptables/nftables: the chain carrying client traffic, where the rules don't tell the user's intent. */
  chain?: TrafficChain;
  relays: string[];
  format: string;
  /** A file in the repository, or a URL pinned by catalogSha256. */
  catalog?: string;
  catalogSha256?: string;
  requireBackups: boolean;
  comment: CommentMode;
  failOn: FailOn;
  /** `auto` (the pull request's or merge group's base), `off`, or a git ref. */
  baseline: string;
  /** `auto`: kept on schedule and workflow_dispatch runs. */
  trackingIssue: TrackingIssueMode;
  /** Where to write the SARIF log for code scanning (workspace-relative), when asked. */
  sarif?: string;
}

const list = (v: RawValue | undefined): string[] =>
  v === undefined ? [] : Array.isArray(v) ? v.map((s) => s.trim()).filter(Boolean) : splitList(String(v));

function text(name: SettingName, v: RawValue | undefined): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new UsageError(`setting "${name}" must be a single value`);
  return v.trim() || undefined;
}

function oneOf<T extends string>(
  name: SettingName,
  v: RawValue | undefined,
  allowed: readonly T[],
  fallback: T,
): T {
  const t = text(name, v);
  if (t === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(t)) {
    throw new UsageError(`setting "${name}": "${t}" is not one of ${allowed.join(', ')}`);
  }
  return t as T;
}

function bool(name: SettingName, v: RawValue | undefined): boolean {
  if (v === undefined || typeof v === 'boolean') return v ?? false;
  const t = text(name, v)?.toLowerCase();
  if (t === undefined || t === 'false') return false;
  if (t === 'true') return true;
  throw new UsageError(`setting "${name}": "${String(v)}" is not true or false`);
}

/**
 * `POLICY=ZONE` items (a list splits at commas too) gathered per policy into the CLI's
 * `POLICY=ZONE[,ZONE...]`.
 */
function overrides(items: string[]): string[] {
  const byPolicy = new Map<string, string[]>();
  for (const item of items) {
    const eq = item.lastIndexOf('=');
    if (eq <= 0 || eq === item.length - 1) {
      throw new UsageError(`setting "destination-zone-override": "${item}" is not POLICY=ZONE`);
    }
    const policy = item.slice(0, eq).trim();
    byPolicy.set(policy, [...(byPolicy.get(policy) ?? []), item.slice(eq + 1).trim()]);
  }
  return [...byPolicy].map(([policy, zones]) => `${policy}=${zones.join(',')}`);
}

/**
 * The settings in force: the repo config file's values, overridden by each input the workflow gives.
 * Defaults apply only where neither says anything (so action.yml declares no defaults for them).
 */
export function resolveSettings(file: RawSettings, inputs: RawSettings): ActionSettings {
  const given = (v: RawValue | undefined) => v !== undefined && !(typeof v === 'string' && v.trim() === '');
  const raw: RawSettings = { ...file };
  for (const name of SETTING_NAMES) if (given(inputs[name])) raw[name] = inputs[name];

  const configs = list(raw.config);
  if (configs.length === 0) {
    throw new UsageError(
      'no config given: set the "config" input or "config" in .github/remotespark-firewall.yml',
    );
  }
  return {
    configs,
    version: text('remotespark-version', raw['remotespark-version']) ?? 'latest',
    mode: oneOf('mode', raw.mode, MODES, 'cloud'),
    sources: list(raw.source),
    destinationZones: list(raw['destination-zone']),
    destinationZoneOverrides: overrides(list(raw['destination-zone-override'])),
    ...chainSetting(raw.chain),
    relays: list(raw.relay),
    format: text('format', raw.format) ?? 'auto',
    catalog: text('catalog', raw.catalog),
    catalogSha256: text('catalog-sha256', raw['catalog-sha256']),
    requireBackups: bool('require-backups', raw['require-backups']),
    comment: oneOf('comment', raw.comment, COMMENT_MODES, 'on-failure'),
    failOn: oneOf('fail-on', raw['fail-on'], FAIL_ON, 'required'),
    baseline: text('baseline', raw.baseline) ?? 'auto',
    trackingIssue: oneOf('tracking-issue', raw['tracking-issue'], TRACKING_ISSUE_MODES, 'auto'),
    ...(text('sarif', raw.sarif) ? { sarif: text('sarif', raw.sarif) } : {}),
  };
}

/**
 * The comment settings of a run whose settings are wrong: the config patterns (the comment's key) and
 * the comment mode, each taken if it can be, so that the comment still says the check could not run.
 */
export function commentSettingsLoosely(
  file: RawSettings,
  inputs: RawSettings,
): { configs: string[]; comment: CommentMode } {
  const pick = (name: SettingName) => (inputs[name] !== undefined ? inputs[name] : file[name]);
  const raw = pick('config');
  const configs =
    typeof raw === 'string' || (Array.isArray(raw) && raw.every((c) => typeof c === 'string'))
      ? list(raw)
      : [];
  const mode = pick('comment');
  const t = typeof mode === 'string' ? mode.trim() : '';
  const comment = (COMMENT_MODES as readonly string[]).includes(t) ? (t as CommentMode) : 'on-failure';
  return { configs, comment };
}

function chainSetting(value: RawValue | undefined): { chain?: TrafficChain } {
  const chain = parseChainOption(text('chain', value), '--chain');
  return chain ? { chain } : {};
}
