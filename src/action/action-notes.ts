import { markdownText } from '../report/escape.js';

/** Notes as Markdown quote lines, to stand right under a comment's or summary's heading. */
export function notesMarkdown(notes: readonly string[]): string {
  return notes.map((n) => `\n> ⚠️ ${markdownText(n)}\n`).join('');
}

/** Puts the notes under the first line (the heading) of a rendered comment or summary. */
export function insertNotes(markdown: string, notes: readonly string[]): string {
  if (notes.length === 0) return markdown;
  const end = markdown.indexOf('\n');
  if (end < 0) return `${markdown}\n${notesMarkdown(notes)}`;
  return `${markdown.slice(0, end + 1)}${notesMarkdown(notes)}${markdown.slice(end + 1)}`;
}
