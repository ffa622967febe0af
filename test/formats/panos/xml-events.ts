import { SaxesParser } from 'saxes';
import {
  decodeCdata,
  decodeText,
  parseAttributes,
  XmlScanner,
  type XmlHandler,
} from '../../../src/formats/panos/xml-tokenizer.js';

/**
 * One parse event with the position saxes reports for it (a UTF-16 offset): after the `>` of a start or
 * end tag, after the `<` that ends a text run (or the end of the text), after the end of a comment,
 * CDATA section or instruction.
 */
export type XmlEvent =
  | ['open', string, Record<string, string>, number]
  | ['close', string, number]
  | ['text', string, number]
  | ['cdata', string, number]
  | ['comment', string, number]
  | ['pi', string, number]
  | ['xmldecl', number];

/** The events of our tokenizer, in saxes's terms. */
export function tokenizerEvents(text: string): XmlEvent[] {
  const events: XmlEvent[] = [];
  const scanner = new XmlScanner(text);
  const h: XmlHandler = {
    open(nameId, attrStart, attrEnd, _start, end) {
      const a = parseAttributes(text, attrStart, attrEnd);
      const attrs: Record<string, string> = {};
      for (let i = 0; i < a.length; i += 2) attrs[a[i]!] = a[i + 1]!;
      events.push(['open', scanner.names[nameId]!, attrs, end]);
    },
    close(nameId, _start, end) {
      events.push(['close', scanner.names[nameId]!, end]);
    },
    text(start, end) {
      // saxes says nothing of white space before anything else in the document.
      if (start === 0 && /^\s*$/.test(text.slice(start, end))) return;
      events.push(['text', decodeText(text, start, end), end < text.length ? end + 1 : end]);
    },
    cdata(start, end) {
      events.push(['cdata', decodeCdata(text, start, end), end + 3]);
    },
    comment(start, end) {
      // saxes reports a comment before it consumes the final ">" of "-->".
      events.push(['comment', text.slice(start, end), end + 2]);
    },
    processingInstruction(target, _start, end) {
      events.push(target === 'xml' ? ['xmldecl', end] : ['pi', target, end]);
    },
  };
  scanner.scan(h);
  return events;
}

/** The events of saxes (the reference), or the error it raises. */
export function saxesEvents(text: string): XmlEvent[] {
  const events: XmlEvent[] = [];
  const p = new SaxesParser({ position: true });
  p.on('opentag', (n) =>
    events.push(['open', n.name, { ...(n.attributes as Record<string, string>) }, p.position]),
  );
  p.on('closetag', (n) => events.push(['close', n.name, p.position]));
  p.on('text', (t) => events.push(['text', t, p.position]));
  p.on('cdata', (t) => events.push(['cdata', t, p.position]));
  p.on('comment', (t) => events.push(['comment', t, p.position]));
  p.on('processinginstruction', (pi) => events.push(['pi', pi.target, p.position]));
  p.on('xmldecl', () => events.push(['xmldecl', p.position]));
  let error: Error | undefined;
  p.on('error', (e) => {
    error ??= e;
  });
  p.write(text).close();
  if (error) throw error;
  return events;
}
