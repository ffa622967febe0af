import type { InputFile } from '../input/input-file.js';
import type { Policy } from '../model/policy.js';
import type { Remediator } from '../remediate/types.js';
import type { ReadOptions } from './read-options.js';

/**
 * What a reader says of a file it was shown:
 * - `yes`: this is its format;
 * - `no`: not its format;
 * - `near-miss`: close to its format but not readable as it, with the reason ("a Panorama export, not a
 *   firewall running-config"; "an encrypted FortiGate backup"). Shown when no reader says yes.
 */
export type Detection = { kind: 'yes' } | { kind: 'no' } | { kind: 'near-miss'; reason: string };

/**
 * What the registry knows of a vendor before loading its reader: its id, name and content detection
 * (kept in the vendor's detect.ts, small, so start-up doesn't pay for readers a run doesn't use).
 */
export interface FormatDescriptor {
  /** The `--format` value: short, stable, lower-case. */
  id: string;
  /** For messages and reports: "Palo Alto PAN-OS XML". */
  name: string;
  detect(file: InputFile): Detection;
}

/** One vendor's module: detects its exports from content and reads them into policies. */
export interface FormatReader extends FormatDescriptor {
  /**
   * Reads every input file of this format at once (some vendors split one firewall over several files)
   * into one policy per firewall. Throws InputError naming file:line on anything it can't read.
   */
  read(files: readonly InputFile[], options?: ReadOptions): Policy[];
  /** Writes the missing rule in the vendor's syntax (edits to the export, device commands); see src/remediate. */
  remediate?: Remediator;
  /**
   * Drops what the reader kept of a file for the fix writer. Called once every fix is written, before the
   * proofs read the patched files again.
   */
  release?(file: InputFile): void;
}
