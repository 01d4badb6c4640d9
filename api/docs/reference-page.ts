import type { JsonSchema } from './json-schema.ts';
import type { HttpMethod, OpenApiDocument, Operation } from './openapi.ts';

/** Every character that could leave a text node or an attribute value. */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"'`]/g, (c) => `&#${c.charCodeAt(0)};`);
}

const anchor = (id: string) => id.replace(/[^A-Za-z0-9_-]/g, '_');
const pretty = (value: unknown) => `<pre>${escapeHtml(JSON.stringify(value, null, 2))}</pre>`;
// Inline code spans from the document's own text (`code`), after escaping.
const prose = (text: string) => escapeHtml(text).replace(/&#96;(.+?)&#96;/g, '<code>$1</code>');

const STYLE = `
body{font:15px/1.5 system-ui,sans-serif;margin:0;color:#1d2433;display:flex}
nav{width:260px;padding:16px;border-right:1px solid #ddd;height:100vh;overflow:auto;position:sticky;top:0;box-sizing:border-box}
main{padding:16px 32px;max-width:980px;flex:1}
nav a{display:block;color:#1d4ed8;text-decoration:none;font-size:13px;padding:1px 0}
h2{border-bottom:1px solid #ddd;padding-bottom:4px;margin-top:40px}
section.op{border:1px solid #e2e5ea;border-radius:6px;padding:8px 16px;margin:16px 0}
.m{display:inline-block;min-width:56px;font-weight:700;text-transform:uppercase}
.get{color:#047857}.post{color:#1d4ed8}.put{color:#b45309}.delete{color:#b91c1c}.patch{color:#7c3aed}
code,pre{font:13px ui-monospace,monospace;background:#f5f6f8}
pre{padding:8px;overflow:auto;max-height:320px}
table{border-collapse:collapse}td,th{border:1px solid #e2e5ea;padding:2px 8px;text-align:left;vertical-align:top}`;

/** A self-contained page (no scripts, no external assets) rendered from the document. */
export function renderReferencePage(document: OpenApiDocument): string {
  const operations = Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, op]) => ({ path, method: method as HttpMethod, op: op as Operation })),
  );
  const byTag = document.tags.map((tag) => ({ tag: tag.name, ops: operations.filter((o) => o.op.tags.includes(tag.name)) }));
  const nav = byTag
    .map(({ tag, ops }) => `<strong>${escapeHtml(tag)}</strong>${ops.map(({ path, method, op }) => `<a href="#${anchor(op.operationId)}">${escapeHtml(method.toUpperCase())} ${escapeHtml(path)}</a>`).join('')}`)
    .join('');
  const body = byTag.map(({ tag, ops }) => `<h2 id="tag-${anchor(tag)}">${escapeHtml(tag)}</h2>${ops.map(renderOperation).join('')}`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(document.info.title)} API reference</title><style>${STYLE}</style></head>
<body><nav><strong>${escapeHtml(document.info.title)} ${escapeHtml(document.info.version)}</strong><p><a href="openapi.json">openapi.json</a></p>${nav}</nav>
<main><h1>${escapeHtml(document.info.title)} API reference</h1><p>${prose(document.info.description)}</p>
<h3>Authentication</h3><ul>${Object.entries(document.components.securitySchemes).map(([name, scheme]) => `<li><code>${escapeHtml(name)}</code>: ${prose(String(scheme.description ?? ''))}</li>`).join('')}</ul>
<h3>Errors</h3><p>Every error answers its status with this body:</p>${pretty(document.components.schemas.Error)}
${body}</main></body></html>`;
}

function renderOperation({ path, method, op }: { path: string; method: HttpMethod; op: Operation }): string {
  const auth = op.security.length === 0 ? 'none' : op.security.map((s) => Object.keys(s).join(' + ')).join(' or ');
  const parameters = op.parameters?.length
    ? `<h4>Parameters</h4><table><tr><th>name</th><th>in</th><th>required</th><th>schema</th></tr>${op.parameters
        .map((p) => `<tr><td><code>${escapeHtml(p.name)}</code></td><td>${escapeHtml(p.in)}</td><td>${p.required ? 'yes' : 'no'}</td><td><code>${escapeHtml(JSON.stringify(p.schema))}</code></td></tr>`)
        .join('')}</table>`
    : '';
  const requestSchema = (op.requestBody?.content as Record<string, { schema: JsonSchema }> | undefined)?.['application/json']?.schema;
  const request = requestSchema ? `<h4>Body (application/json)</h4>${pretty(requestSchema)}` : '';
  const responses = Object.entries(op.responses)
    .map(([status, response]) => {
      const content = response.content as Record<string, { schema?: JsonSchema }> | undefined;
      const schema = content?.['application/json']?.schema;
      // Error bodies are the shared envelope shown once at the top; their codes are in the description.
      const shown = schema && !('$ref' in schema) && !('allOf' in schema) ? pretty(schema) : '';
      return `<li><strong>${escapeHtml(status)}</strong> ${prose(String(response.description ?? ''))}${shown}</li>`;
    })
    .join('');
  return `<section class="op" id="${anchor(op.operationId)}">
<p><span class="m ${escapeHtml(method)}">${escapeHtml(method)}</span> <code>${escapeHtml(path)}</code> — ${prose(op.summary)}</p>
${op.description ? `<p>${prose(op.description)}</p>` : ''}<p>Auth: ${escapeHtml(auth)}</p>${parameters}${request}<h4>Responses</h4><ul>${responses}</ul></section>`;
}
