// Text inside HTML, SVG and XML documents the kit writes.

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Control characters no XML 1.0 document may hold (tab, newline and return are allowed). */
const NOT_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g;

/** Text safe inside an element or a quoted attribute of HTML, SVG or XML. */
export function escapeMarkup(text: string): string {
  return text.replace(NOT_XML, '').replace(/[&<>"']/g, (c) => ENTITIES[c]);
}
