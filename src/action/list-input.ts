/**
 * A list given as one input string: items separated by newlines or commas. Commas inside `{...}` belong
 * to a glob alternative (`fw/{hq,branch}.yaml`), not to the list.
 */
export function splitList(text: string): string[] {
  const items: string[] = [];
  let depth = 0;
  let current = '';
  for (const c of text) {
    if (c === '{') depth++;
    else if (c === '}') depth = Math.max(0, depth - 1);
    if (c === '\n' || c === '\r' || (c === ',' && depth === 0)) {
      items.push(current);
      current = '';
    } else current += c;
  }
  items.push(current);
  return items.map((s) => s.trim()).filter((s) => s !== '');
}
