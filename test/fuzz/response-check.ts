import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import type { OpenApiDocument, Operation } from '../../api/docs/openapi.ts';

export type Violation = 'server_error' | 'error_shape' | 'undocumented_status' | 'schema_mismatch';

export interface Answer {
  status: number;
  contentType: string;
  text: string;
}

/**
 * Judges one answer against the API document the api serves: never a 5xx; every error in the
 * envelope with a code the document lists for that status; every status listed for the operation;
 * every 2xx JSON body valid against its documented schema.
 */
export class ResponseChecker {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: false, validateFormats: false });
  private readonly compiled = new Map<string, ValidateFunction>();
  private readonly envelope: ValidateFunction;

  constructor(private readonly document: OpenApiDocument) {
    this.envelope = this.compile('error envelope', { $ref: '#/components/schemas/Error' });
  }

  private compile(key: string, schema: object): ValidateFunction {
    let validate = this.compiled.get(key);
    if (!validate) {
      // The document's components travel with each schema so its `#/components/...` references resolve.
      validate = this.ajv.compile({ ...schema, components: this.document.components });
      this.compiled.set(key, validate);
    }
    return validate;
  }

  check(operation: Operation, answer: Answer): { violation: Violation; why: string } | null {
    if (answer.status >= 500) return { violation: 'server_error', why: answer.text.slice(0, 300) };
    const json = answer.contentType.includes('application/json');
    let body: unknown;
    if (json && answer.text !== '') {
      try {
        body = JSON.parse(answer.text);
      } catch {
        return { violation: answer.status >= 400 ? 'error_shape' : 'schema_mismatch', why: 'body is not JSON' };
      }
    }
    if (answer.status >= 400) {
      if (!json || !this.envelope(body)) return { violation: 'error_shape', why: `${answer.contentType} ${answer.text.slice(0, 200)}` };
      const error = (body as { error: Record<string, unknown> }).error;
      const extra = Object.keys(error).filter((k) => !['code', 'message', 'details'].includes(k));
      if (extra.length > 0 || Object.keys(body as object).length !== 1) return { violation: 'error_shape', why: answer.text.slice(0, 200) };
    }
    const response = operation.responses[String(answer.status)];
    if (!response) return { violation: 'undocumented_status', why: `${answer.status} ${answer.text.slice(0, 200)}` };
    const schema = (response.content as Record<string, { schema?: object }> | undefined)?.['application/json']?.schema;
    if (!schema || body === undefined) return null;
    const validate = this.compile(`${operation.operationId} ${answer.status}`, schema);
    if (validate(body)) return null;
    const why = `${this.ajv.errorsText(validate.errors)} in ${answer.text.slice(0, 300)}`;
    return { violation: answer.status >= 400 ? 'undocumented_status' : 'schema_mismatch', why };
  }
}
