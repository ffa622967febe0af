import type { NameMatchMethod } from '../../model/names.js';
import type { Action } from '../../model/policy.js';

/** A generic/v1 document as the JSON Schema (schemas/generic-policy.schema.json) admits it. */
export interface GenericDocument {
  $schema?: string;
  format: 'generic/v1';
  name?: string;
  description?: string;
  default: Action;
  'egress-zones'?: string[];
  'name-match'?: NameMatchMethod;
  addresses?: Record<string, string[]>;
  services?: Record<string, string[]>;
  rules: GenericRule[];
}

export interface GenericRule {
  name: string;
  action: Action;
  enabled?: boolean;
  sources: string[];
  destinations: string[];
  services: string[];
  'negate-sources'?: boolean;
  'negate-destinations'?: boolean;
  'from-zones'?: string[];
  'to-zones'?: string[];
  'name-match'?: NameMatchMethod;
  description?: string;
}
