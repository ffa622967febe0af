import type { FixGroup } from './types.js';

const BASE: Record<FixGroup['kind'], string> = {
  web: 'allow-remotespark-web',
  media: 'allow-remotespark-media',
  dns: 'allow-remotespark-dns',
};

/**
 * A name that says what the rule is for, not taken (a -2, -3 ... suffix otherwise): not a rule name of
 * the policy, or wherever else the vendor wants it unique (panos/panorama-rule-names.ts).
 */
export function fixRuleName(kind: FixGroup['kind'], taken: { has(name: string): boolean }): string {
  const base = BASE[kind];
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) if (!taken.has(`${base}-${i}`)) return `${base}-${i}`;
}
