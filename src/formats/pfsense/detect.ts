import { headOf, type InputFile } from '../../input/input-file.js';
import { rootElementName } from '../panos/detect.js';
import type { Detection, FormatDescriptor } from '../format-reader.js';

/** Which product wrote the config.xml: they share the layout and differ in defaults (see flavor.ts). */
export type Flavor = 'pfsense' | 'opnsense';

/** The root element is near the start; a config.xml's first lines are a declaration and the root. */
const HEAD = 64 * 1024;

function detectRoot(flavor: Flavor) {
  return (file: InputFile): Detection => {
    const root = rootElementName(headOf(file, HEAD));
    return root === flavor ? { kind: 'yes' } : { kind: 'no' };
  };
}

/** pfSense `config.xml` (Diagnostics > Backup & Restore): root element `<pfsense>`. */
export const pfsenseFormat: FormatDescriptor = {
  id: 'pfsense',
  name: 'pfSense config.xml',
  detect: detectRoot('pfsense'),
};

/** OPNsense `config.xml` (System > Configuration > Backups): root element `<opnsense>`. */
export const opnsenseFormat: FormatDescriptor = {
  id: 'opnsense',
  name: 'OPNsense config.xml',
  detect: detectRoot('opnsense'),
};
