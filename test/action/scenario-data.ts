/** Event payloads (GitHub's own examples) and firewall configs for the end-to-end tests. */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

interface WebhookExamples {
  name: string;
  examples: Record<string, unknown>[];
}

const require = createRequire(import.meta.url);
const examples = require('@octokit/webhooks-examples') as WebhookExamples[];

function example(name: string, action?: string): Record<string, unknown> {
  const group = examples.find((e) => e.name === name);
  const found = group?.examples.find((e) => action === undefined || e.action === action);
  if (!found) throw new Error(`no ${name} ${action ?? ''} example`);
  return structuredClone(found);
}

export interface PullRequestEvent {
  number: number;
  repository: { full_name: string };
  pull_request: { number: number; head: { repo: { full_name: string; fork: boolean } } };
}

/** A real `pull_request` "opened" payload (Codertocat/Hello-World#2). */
export const pullRequestOpened = () => example('pull_request', 'opened') as unknown as PullRequestEvent;

/** The same payload as it would come from a fork: the head repository is someone else's. */
export function forkPullRequest(): PullRequestEvent {
  const e = pullRequestOpened();
  e.pull_request.head.repo.full_name = 'forker/Hello-World';
  e.pull_request.head.repo.fork = true;
  return e;
}

export const mergeGroup = () =>
  example('merge_group') as { repository: { full_name: string }; merge_group: { base_sha: string } };
export const push = () => example('push') as { repository: { full_name: string } };

/** HTTPS allowed, STUN/TURN denied: the check fails. */
export const FAILING_CONFIG = readFileSync('fixtures/generic/https-only.yaml', 'utf8');

/** Everything out allowed: every flow passes. */
export const PASSING_CONFIG = `format: generic/v1
name: Branch office, fixed
default: deny
rules:
  - name: allow-all-outbound
    action: allow
    sources: [any]
    destinations: [any]
    services: [any]
`;

/** Rule names and descriptions that try workflow-command, @-mention and HTML injection. */
export const HOSTILE_CONFIG = `format: generic/v1
name: "Hostile <img src=x onerror=alert(1)> @org/team"
default: deny
rules:
  - name: "::error::injected-error"
    action: deny
    description: "::stop-commands::pwned"
    sources: [any]
    destinations: [any]
    services: [udp/3478]
  - name: "x\\n::stop-commands::pwned\\n::warning::after-stop ##[error]legacy @org/team <img src=x onerror=alert(1)>"
    action: deny
    sources: [any]
    destinations: [any]
    services: [tcp/3478]
  - name: "::set-output name=passed::true"
    action: deny
    sources: [any]
    destinations: [any]
    services: [udp/8089]
  - name: "allow-rest @org/team"
    action: allow
    sources: [any]
    destinations: [any]
    services: [any]
`;

/** Not YAML: a clear input error. */
export const BROKEN_CONFIG = `format: generic/v1
default: deny
rules:
  - name: broken
    action: allow
    sources: [any
    destinations: [any]
`;

/** A full catalog with 2,500 hosts over TCP and UDP: 5,000 required flows. */
export function bigCatalog(hosts = 2500): string {
  const names = Array.from({ length: hosts }, (_, i) => `      - h${String(i).padStart(4, '0')}.example.com`);
  return [
    'catalogVersion: 2026.1.1',
    'modes:',
    '  - id: cloud',
    '    label: Cloud',
    'roles:',
    '  - id: cdn',
    '    label: CDN endpoint',
    'releases:',
    '  - version: 1.0.0',
    '    source: test fixture',
    '    entries:',
    '      - role: cdn',
    '        modes: [cloud]',
    '        hosts:',
    ...names.map((n) => `  ${n}`),
    '        ports: [443]',
    '        protocols: [tcp, udp]',
    '        severity: required',
    '        verified: true',
    '',
  ].join('\n');
}

export const DENY_ALL_CONFIG = `format: generic/v1
name: Locked down
default: deny
rules:
  - name: deny-everything
    action: deny
    sources: [any]
    destinations: [any]
    services: [any]
`;
