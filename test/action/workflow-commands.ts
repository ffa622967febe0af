/**
 * Reads a step's stdout the way the Actions runner does (actions/runner ActionCommandManager): a line
 * whose first non-blank characters are `::` is a command; `##[name ...]` anywhere in a line is the legacy
 * form; `::stop-commands::TOKEN` pauses both until a line `::TOKEN::`.
 */
export interface WorkflowCommand {
  command: string;
  properties: Record<string, string>;
  data: string;
  legacy: boolean;
}

const unescapeData = (s: string) => s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
const unescapeProperty = (s: string) =>
  s
    .replace(/%0D/g, '\r')
    .replace(/%0A/g, '\n')
    .replace(/%3A/g, ':')
    .replace(/%2C/g, ',')
    .replace(/%25/g, '%');

const LEGACY = new Set([
  'error',
  'warning',
  'notice',
  'debug',
  'set-output',
  'set-env',
  'add-path',
  'add-mask',
  'group',
  'endgroup',
  'section',
  'command',
]);

export function parseWorkflowCommands(stdout: string): WorkflowCommand[] {
  const out: WorkflowCommand[] = [];
  let stopToken: string | undefined;
  for (const raw of stdout.split(/\r?\n/)) {
    const line = raw.trimStart();
    if (stopToken !== undefined) {
      if (line.trim() === `::${stopToken}::`) stopToken = undefined;
      continue;
    }
    if (line.startsWith('::')) {
      const end = line.indexOf('::', 2);
      if (end < 0) continue;
      const info = line.slice(2, end);
      const space = info.indexOf(' ');
      const command = space < 0 ? info : info.slice(0, space);
      const properties: Record<string, string> = {};
      if (space > 0) {
        for (const pair of info
          .slice(space + 1)
          .trim()
          .split(',')) {
          const eq = pair.indexOf('=');
          if (eq > 0) properties[pair.slice(0, eq)] = unescapeProperty(pair.slice(eq + 1));
        }
      }
      const data = unescapeData(line.slice(end + 2));
      out.push({ command, properties, data, legacy: false });
      if (command === 'stop-commands') stopToken = data;
      continue;
    }
    const legacy = /##\[([a-z-]+)/.exec(raw);
    if (legacy && LEGACY.has(legacy[1]!))
      out.push({ command: legacy[1]!, properties: {}, data: raw, legacy: true });
  }
  return out;
}
