import { describe, expect, it } from 'vitest';
import { findRefusedText, loneSurrogateProblem, mayHoldLoneSurrogate } from './request-text';
import { validatorCompiler } from './validation';

describe('request text', () => {
  it('finds a lone surrogate, high or low, in a value or a key, and names where', () => {
    expect(findRefusedText({ a: ['ok', { b: 'x\ud800' }] }, 'body')).toEqual({
      path: 'body/a/1/b',
      message: 'must be well-formed Unicode: it holds the lone surrogate \\ud800',
    });
    expect(findRefusedText({ a: { '\udc00k': 1 } }, 'body')).toEqual({
      path: 'body/a/\ufffdk',
      message: 'key must be well-formed Unicode: it holds the lone surrogate \\udc00',
    });
    expect(findRefusedText('\udfff', 'body')?.path).toBe('body');
    expect(findRefusedText({ a: 'x\u0000' }, '')).toEqual({ path: '/a', message: 'must not contain NUL characters' });
  });

  it('accepts surrogate pairs and other text, and reports the first refused string in document order', () => {
    expect(findRefusedText({ rocket: '🚀', '😀': ['é', '\u202e', 1, null, true] }, 'body')).toBeNull();
    expect(findRefusedText({ a: 'x\ud800', b: 'y\udc00' }, 'body')?.path).toBe('body/a');
  });

  it('looks for lone surrogates only when asked to (the JSON parser leaves U+0000 to the validator)', () => {
    expect(findRefusedText({ a: 'x\u0000', b: 'y\udc00' }, 'body', loneSurrogateProblem)?.path).toBe('body/b');
    expect(findRefusedText({ a: 'x\u0000' }, 'body', loneSurrogateProblem)).toBeNull();
  });

  it('walks a document nested far deeper than the call stack would allow', () => {
    let deep: unknown = '\ud800';
    for (let i = 0; i < 50_000; i++) deep = { a: [deep] };
    expect(findRefusedText(deep, 'body')?.message).toContain('\\ud800');
  });

  it('knows when JSON text cannot hold a lone surrogate once parsed', () => {
    expect(mayHoldLoneSurrogate('{"a":"\\ud800"}')).toBe(true);
    expect(mayHoldLoneSurrogate('{"a":"\\uDC00"}')).toBe(true);
    expect(mayHoldLoneSurrogate('{"a":"\\u00e9 🚀"}')).toBe(false);
  });

  it('makes the validator refuse a lone surrogate in a query string, not only in bodies', () => {
    const schema = { type: 'object', properties: { q: { type: 'string' } } };
    const validate = validatorCompiler({ schema, httpPart: 'querystring', method: 'GET', url: '/x' }) as (data: unknown) => {
      error?: { validation: { instancePath: string; message: string }[] };
    };
    expect(validate({ q: 'a\ud800' }).error?.validation).toEqual([
      expect.objectContaining({ instancePath: '/q', message: expect.stringContaining('lone surrogate \\ud800') }),
    ]);
    expect(validate({ q: 'a\u0000' }).error?.validation[0]?.message).toBe('must not contain NUL characters');
    expect(validate({ q: 'a🚀' }).error).toBeUndefined();
  });
});
