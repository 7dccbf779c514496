import { describe, expect, it } from 'vitest';
import { parseTemplate, resolveTemplate, templateKeys, type VariableLookup } from './variables.js';
import { compileGlob } from './wildcard.js';

const on = { variables: true, wildcards: true } as const;
const ctx: Record<string, string> = { 'aws:username': 'alice', 'aws:principaltag/team': 'sync', 'odd:value': 'a*b' };
const lookup: VariableLookup = (k) => ctx[k];

function resolve(raw: string, options: { variables: boolean; wildcards: boolean } = on): string | string[] {
  const r = resolveTemplate(parseTemplate(raw, options), lookup);
  return r.ok ? r.glob : r.missing;
}

describe('parseTemplate / resolveTemplate', () => {
  it('leaves text without variables static', () => {
    const t = parseTemplate('arn:aws:s3:::b/*', on);
    expect(t.static).toBe('arn:aws:s3:::b/*');
  });

  it('substitutes variables, lower-casing key names', () => {
    expect(resolve('home/${aws:username}/*')).toBe('home/alice/*');
    expect(resolve('home/${AWS:UserName}')).toBe('home/alice');
    expect(resolve('${aws:username}-${aws:PrincipalTag/team}')).toBe('alice-sync');
  });

  it('accepts whitespace around the key and the default', () => {
    expect(resolve('${ aws:username }')).toBe('alice');
    expect(resolve("${missing:key ,  'dflt' }")).toBe('dflt');
    expect(resolve("${missing:key,'dflt'}")).toBe('dflt');
  });

  it('uses the default only when the key is absent, and keeps its case', () => {
    expect(resolve("${aws:username, 'Nobody'}")).toBe('alice');
    expect(resolve("${aws:nothing, 'Nobody'}")).toBe('Nobody');
    expect(resolve("${aws:nothing, ''}")).toBe('');
    expect(resolve("${aws:nothing, 'it''s'}")).toBe("it's");
    expect(resolve("${aws:nothing, 'a}b'}")).toBe('a}b');
  });

  it('reports every missing key without a default', () => {
    expect(resolve('${a:one}/${aws:username}/${b:two}')).toEqual(['a:one', 'b:two']);
  });

  it('escapes substituted values and defaults, so they never act as wildcards', () => {
    const glob = resolve('x/${odd:value}');
    expect(glob).toBe('x/a\\*b');
    expect(compileGlob(glob as string)('x/a*b')).toBe(true);
    expect(compileGlob(glob as string)('x/aZZb')).toBe(false);
    expect(resolve("${nothing:here, '*'}")).toBe('\\*');
  });

  it('turns ${*}, ${?} and ${$} into literal characters', () => {
    expect(resolve('${*}${?}${$}')).toBe('\\*\\?$');
    expect(resolve('a${ * }b')).toBe('a\\*b');
  });

  it('does not substitute twice', () => {
    expect(resolve("${nothing:here, '${aws:username}'}")).toBe('${aws:username}');
  });

  it('keeps malformed or unterminated references as text', () => {
    expect(resolve('${aws:username')).toBe('${aws:username');
    expect(resolve('${}')).toBe('${}');
    expect(resolve("${a:b, 'unterminated}")).toBe("${a:b, 'unterminated}");
    expect(resolve('$ {aws:username}')).toBe('$ {aws:username}');
  });

  it('treats everything as literal text when variables are off (2008-10-17)', () => {
    expect(resolve('home/${aws:username}/*', { variables: false, wildcards: true })).toBe('home/${aws:username}/*');
  });

  it('escapes raw wildcards when the operator has none (StringEquals)', () => {
    expect(resolve('a*b?${aws:username}', { variables: true, wildcards: false })).toBe('a\\*b\\?alice');
  });

  it('lists the keys a template references', () => {
    expect(templateKeys(parseTemplate("${A:x}/${b:y, 'd'}/${*}", on))).toEqual(['a:x', 'b:y']);
  });
});
