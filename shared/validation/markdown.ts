import { Parser, type Node } from 'commonmark';
import { badRequest } from '../errors.ts';

const LIMITS = { nodes: 2000, depth: 16 };
const SAFE_LINK = /^(https?:|mailto:)/i;

/**
 * Checks `format: "markdown"` text with a CommonMark parser. The text is stored exactly as sent;
 * this only refuses what no client should have to render: raw HTML, links that are not http(s) or
 * mailto, and documents too large or too deeply nested to render safely.
 */
export function validateMarkdown(text: string): void {
  const walker = new Parser().parse(text).walker();
  let nodes = 0;
  let depth = 0;
  for (let event = walker.next(); event; event = walker.next()) {
    const node: Node = event.node;
    if (!event.entering) {
      if (node.isContainer) depth--;
      continue;
    }
    if (node.isContainer && ++depth > LIMITS.depth) throw refuse(`nesting deeper than ${LIMITS.depth} levels`);
    if (++nodes > LIMITS.nodes) throw refuse(`more than ${LIMITS.nodes} elements`);
    if (node.type === 'html_block' || node.type === 'html_inline') throw refuse('raw HTML is not allowed');
    if ((node.type === 'link' || node.type === 'image') && node.destination && !SAFE_LINK.test(node.destination)) {
      throw refuse('links must be http(s) or mailto');
    }
  }
}

const refuse = (why: string) => badRequest('invalid_markdown', `The markdown is not accepted: ${why}`, [{ field: 'message', message: why }]);
