import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsImport from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';
import type { FieldError } from './problem';

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
  return (data: unknown) =>
    validate(data) ? { value: data } : { error: Object.assign(new Error('validation'), { validation: validate.errors }) };
};

/** Turns Ajv errors into the `errors` list of a validation problem, with JSON-pointer-ish paths. */
export function toFieldErrors(errors: ErrorObject[] | null | undefined, part: string | undefined): FieldError[] {
  return (errors ?? []).slice(0, 20).map((e) => {
    let path = e.instancePath || '';
    if (e.keyword === 'additionalProperties') path += `/${(e.params as { additionalProperty: string }).additionalProperty}`;
    if (e.keyword === 'required') path += `/${(e.params as { missingProperty: string }).missingProperty}`;
    const message = e.keyword === 'additionalProperties' ? 'is not an allowed field' : (e.message ?? 'is invalid');
    return { path: `${part ?? 'body'}${path}`, message };
  });
}
