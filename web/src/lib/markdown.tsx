import { Parser, type Node } from 'commonmark';
import type { ComponentChildren, VNode } from 'preact';

const SAFE_LINK = /^(https?:|mailto:)/i;
const parser = new Parser({ smart: false });

/**
 * Renders CommonMark to Preact elements, never to an HTML string: the api stores markdown as sent
 * (it only refuses raw HTML and unsafe links), so the page builds every element itself and text
 * always lands in text nodes. Raw HTML that slipped through shows as text, images become links
 * (nothing loads from elsewhere), and links open in a new tab without a referrer.
 */
export function Markdown({ text }: { text: string }): VNode {
  return <div class="md">{renderChildren(parser.parse(text))}</div>;
}

function renderChildren(node: Node): ComponentChildren[] {
  const out: ComponentChildren[] = [];
  let key = 0;
  for (let child = node.firstChild; child; child = child.next) out.push(renderNode(child, key++));
  return out;
}

function renderNode(node: Node, key: number): ComponentChildren {
  const children = () => renderChildren(node);
  switch (node.type) {
    case 'paragraph':
      return <p key={key}>{children()}</p>;
    case 'text':
    case 'html_inline':
    case 'html_block':
      return node.literal ?? '';
    case 'softbreak':
      return '\n';
    case 'linebreak':
      return <br key={key} />;
    case 'emph':
      return <em key={key}>{children()}</em>;
    case 'strong':
      return <strong key={key}>{children()}</strong>;
    case 'code':
      return <code key={key}>{node.literal}</code>;
    case 'code_block':
      return (
        <pre key={key}>
          <code>{node.literal}</code>
        </pre>
      );
    case 'block_quote':
      return <blockquote key={key}>{children()}</blockquote>;
    case 'heading': {
      // Headings inside a message are emphasised text, not page structure.
      return (
        <p key={key} class={`md-h md-h${node.level}`}>
          <strong>{children()}</strong>
        </p>
      );
    }
    case 'thematic_break':
      return <hr key={key} />;
    case 'list':
      return node.listType === 'ordered' ? (
        <ol key={key} start={node.listStart ?? 1}>
          {children()}
        </ol>
      ) : (
        <ul key={key}>{children()}</ul>
      );
    case 'item':
      return <li key={key}>{children()}</li>;
    case 'link':
    case 'image': {
      const href = node.destination ?? '';
      const label = node.type === 'image' ? node.firstChild?.literal || href : children();
      if (!SAFE_LINK.test(href)) return <span key={key}>{label}</span>;
      return (
        <a key={key} href={href} target="_blank" rel="noopener noreferrer nofollow" title={node.title || undefined}>
          {label}
        </a>
      );
    }
    default:
      return <span key={key}>{children()}</span>;
  }
}
