/** Where something stands in an input file; lines count from 1. */
export interface SourceLocation {
  path: string;
  line: number;
}

/** A part of a rule the config cannot decide (dynamic group, external list, App-ID, ...). */
export interface UnknownPart {
  /** Why it can't be decided, for the report: "dynamic address group 'dag-web' (members set at run time)". */
  reason: string;
  location?: SourceLocation;
}
