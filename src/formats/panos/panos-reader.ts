import { InputError } from '../../input/input-error.js';
import type { InputFile } from '../../input/input-file.js';
import type { Policy } from '../../model/policy.js';
import type { FormatReader } from '../format-reader.js';
import type { ReadOptions } from '../read-options.js';
import { HOW_TO_EXPORT, panosFormat } from './detect.js';
import { firewallPolicies } from './firewall.js';
import { panoramaPolicies } from './panorama.js';
import { DocumentResolvers } from './policy-assembly.js';
import { remediatePanos } from './remediate.js';
import { PANOS_KEEP } from './kept-elements.js';
import { readerDocuments } from './reader-documents.js';
import { readXmlDocument, type XmlDocument, type XmlElement } from './xml-tree.js';

/** The `<config>` element: the root, or inside the XML API's `<response><result>`. */
function configElement(doc: XmlDocument): XmlElement {
  const root = doc.root;
  const name = doc.name(root);
  if (name === 'config') return root;
  const inner = doc.select(root, 'result', 'config');
  if (name === 'response' && inner !== undefined) return inner;
  throw new InputError(
    doc.path,
    doc.lineOf(root),
    `not a PAN-OS configuration: the root element is <${name}>; expected <config>. ${HOW_TO_EXPORT}`,
  );
}

/** Reads one PAN-OS XML file: one policy per vsys of a firewall, or per device group of Panorama. */
export function readPanosFile(file: InputFile, forFixes = true): Policy[] {
  // Read in pieces, keeping only what the policies are made of: the file's text is never held whole.
  const doc = readXmlDocument(file, PANOS_KEEP);
  if (forFixes) readerDocuments.set(file, doc);
  const config = configElement(doc);
  const resolvers = new DocumentResolvers(doc);
  const devices = doc.entries(doc.child(config, 'devices'));
  const isPanorama =
    devices.some(
      (d) => doc.child(d, 'device-group') !== undefined || doc.child(d, 'template') !== undefined,
    ) || doc.select(config, 'mgt-config', 'devices') !== undefined;
  const hasVsys = devices.some((d) => doc.child(d, 'vsys') !== undefined);
  const policies: Policy[] = [];
  if (hasVsys) policies.push(...firewallPolicies(doc, config, resolvers));
  if (isPanorama) policies.push(...panoramaPolicies(doc, config, resolvers));
  if (policies.length === 0) {
    throw new InputError(
      doc.path,
      doc.lineOf(config),
      'the configuration has no vsys (firewall) and no device group or template (Panorama), so it holds no security policy to check',
    );
  }
  return policies;
}

/**
 * Palo Alto Networks PAN-OS: firewall running configs (one policy per vsys) and Panorama configs (one
 * policy per device group), as XML. See docs/formats/panos.md.
 */
export const panosReader: FormatReader = {
  ...panosFormat,
  read(files: readonly InputFile[], options: ReadOptions = {}): Policy[] {
    return files.flatMap((f) => readPanosFile(f, options.forFixes !== false));
  },
  remediate: remediatePanos,
  release(file: InputFile): void {
    readerDocuments.delete(file);
  },
};
