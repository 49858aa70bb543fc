import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsImport from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';
import type { FieldError } from './problem';
import { findRefusedText } from './request-text';

// ajv-formats is CommonJS; its default export arrives wrapped under some loaders.
const addFormats = ((addFormatsImport as unknown as { default?: typeof addFormatsImport }).default ??
  addFormatsImport) as typeof addFormatsImport;

function makeAjv(coerce: boolean): Ajv {
  const ajv = new Ajv({
    allErrors: true,
    strict: false,
    removeAdditional: false,
    useDefaults: true,
    coerceTypes: coerce ? 'array' : false,
    // A tagged union (`oneOf` with an OpenAPI `discriminator`) is checked against the branch its tag names only, so
    // its errors are that branch's instead of every branch's.
    discriminator: true,
  });
  addFormats(ajv);
  return ajv;
}

// Bodies are JSON and must match exactly: "1" is not a number. Query strings and paths are text, so they coerce.
const bodyAjv = makeAjv(false);
const textAjv = makeAjv(true);

/** Fastify validator compiler: strict for bodies, coercing for querystring, params and headers. */
export const validatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) => {
  const ajv = httpPart === 'body' ? bodyAjv : textAjv;
  const validate: ValidateFunction = ajv.compile(schema as object);
  const numeric = httpPart === 'body' ? [] : numericProperties(schema);
  return (data: unknown) => {
    const notDecimal = numeric.find(
      (key) =>
        typeof (data as Record<string, unknown> | null)?.[key] === 'string' &&
        !DECIMAL.test((data as Record<string, string>)[key] as string),
    );
    if (notDecimal !== undefined) {
      const validation = [{ instancePath: `/${notDecimal}`, keyword: 'type', message: 'must be a decimal number', params: {} }];
      return { error: Object.assign(new Error('validation'), { validation }) };
    }
    if (!validate(data)) return { error: Object.assign(new Error('validation'), { validation: validate.errors }) };
    // PostgreSQL text cannot hold U+0000 and SQLite would store it silently; neither keeps a lone surrogate as sent:
    // refuse both everywhere, up front (bodies met the surrogate check in the JSON parser already).
    const refused = findRefusedText(data, '');
    if (refused !== null) {
      const validation = [{ instancePath: refused.path, keyword: 'text', message: refused.message, params: {} }];
      return { error: Object.assign(new Error('validation'), { validation }) };
    }
    return { value: data };
  };
};

// Ajv coerces any text JavaScript reads as a number ("0x10", "1e3", " 7 "); a query number is written in decimal.
const DECIMAL = /^-?\d+(\.\d+)?$/;

/** Names of the schema's top-level properties that are numbers: what a query string or path coerces to numbers. */
function numericProperties(schema: unknown): string[] {
  const properties = (schema as { properties?: Record<string, { type?: unknown }> } | null)?.properties ?? {};
  return Object.entries(properties)
    .filter(([, p]) => p.type === 'integer' || p.type === 'number')
    .map(([key]) => key);
}

/** Turns Ajv errors into the `errors` list of a validation problem, with JSON-pointer-ish paths. */
export function toFieldErrors(errors: ErrorObject[] | null | undefined, part: string | undefined): FieldError[] {
  return (errors ?? []).slice(0, 20).map((e) => {
    let path = e.instancePath || '';
    if (e.keyword === 'additionalProperties') path += `/${(e.params as { additionalProperty: string }).additionalProperty}`;
    if (e.keyword === 'required') path += `/${(e.params as { missingProperty: string }).missingProperty}`;
    const allowed = e.keyword === 'enum' ? (e.params as { allowedValues?: unknown[] }).allowedValues : undefined;
    const message =
      e.keyword === 'additionalProperties'
        ? 'is not an allowed field'
        : allowed
          ? `must be one of: ${allowed.map(String).join(', ')}`
          : (e.message ?? 'is invalid');
    return { path: `${part ?? 'body'}${path}`, message };
  });
}
