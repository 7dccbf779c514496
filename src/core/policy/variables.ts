/**
 * Policy variables: `${key}`, `${key, 'default'}` and the escapes `${*}`, `${?}`, `${$}`.
 *
 * IAM User Guide, "IAM policy elements: Variables and tags":
 * - variables are honoured only under `"Version": "2012-10-17"`; under 2008-10-17 the text
 *   `${…}` is literal (the caller passes `variables: false`);
 * - they may appear in `Resource` and in the values of String and ARN condition operators
 *   (we also honour them in `NotResource`, the other resource element);
 * - key names are case-insensitive, default values are case-sensitive; a default is
 *   single-quoted after a comma, and `''` inside it stands for one quote;
 * - `${*}`, `${?}` and `${$}` stand for the literal characters, so a `*` can be matched
 *   where `*` would otherwise be a wildcard;
 * - substitution is one pass: a substituted value is literal text, never a pattern or a
 *   further variable (this also stops a request value from smuggling in a wildcard);
 * - a variable whose key is absent (or multi-valued) and has no default leaves the value
 *   unresolved — {@link resolveTemplate} reports it, and the condition treats that value
 *   as matching nothing.
 */
import { escapeLiteral, rawGlob } from './wildcard.js';

/** A policy variable reference. */
export interface VariableRef {
  /** Lower-cased context key. */
  key: string;
  /** The value used when the key is absent. */
  fallback?: string;
}

/** Escaped-notation text (see `wildcard.ts`) interleaved with variable references. */
export type TemplatePart = string | VariableRef;

/** A parsed value: `static` is set when it holds no variable. */
export interface Template {
  parts: TemplatePart[];
  static?: string;
}

/** How a policy string is read: which of its characters are special. */
export interface TemplateOptions {
  /** Whether `${…}` is interpreted (2012-10-17, in an element that allows variables). */
  variables: boolean;
  /** Whether `*` and `?` in the raw text are wildcards (Like/Arn operators, Action, Resource). */
  wildcards: boolean;
}

const ESCAPES: Readonly<Record<string, string>> = { '*': '*', '?': '?', $: '$' };
const VARIABLE = /^\s*([^,']+?)\s*(?:,\s*'((?:[^']|'')*)'\s*)?$/;
const KEY = /^[^\s${}"]+$/;

/** Interprets the inside of `${…}`; `undefined` when it is not a variable or escape. */
function parseInner(inner: string): { literal: string } | VariableRef | undefined {
  const trimmed = inner.trim();
  const escaped = ESCAPES[trimmed];
  if (escaped !== undefined) return { literal: escaped };
  const m = VARIABLE.exec(inner);
  if (m === null) return undefined;
  const key = m[1]!.trim();
  if (!KEY.test(key)) return undefined;
  const fallback = m[2];
  return fallback === undefined
    ? { key: key.toLowerCase() }
    : { key: key.toLowerCase(), fallback: fallback.replace(/''/g, "'") };
}

/** Index of the `}` closing the variable opened at `from` (skipping quoted defaults), or -1. */
function closingBrace(raw: string, from: number): number {
  let quoted = false;
  for (let j = from; j < raw.length; j++) {
    const c = raw[j];
    if (c === "'") quoted = !quoted;
    else if (c === '}' && !quoted) return j;
  }
  return -1;
}

/** Parses one policy string into a template. */
export function parseTemplate(raw: string, options: TemplateOptions): Template {
  const text = (s: string): string => (options.wildcards ? rawGlob(s) : escapeLiteral(s));
  if (!options.variables || !raw.includes('${')) {
    const glob = text(raw);
    return { parts: [glob], static: glob };
  }
  const parts: TemplatePart[] = [];
  let buf = '';
  let i = 0;
  while (i < raw.length) {
    if (raw.startsWith('${', i)) {
      const end = closingBrace(raw, i + 2);
      const inner = end < 0 ? undefined : parseInner(raw.slice(i + 2, end));
      if (inner !== undefined) {
        if ('literal' in inner) buf += escapeLiteral(inner.literal);
        else {
          if (buf !== '') parts.push(buf);
          buf = '';
          parts.push(inner);
        }
        i = end + 1;
        continue;
      }
    }
    buf += text(raw[i]!);
    i++;
  }
  if (buf !== '' || parts.length === 0) parts.push(buf);
  const onlyText = parts.every((p) => typeof p === 'string');
  return onlyText ? { parts, static: parts.join('') } : { parts };
}

/** Looks a (lower-cased) key up in the request context; `undefined` when absent or multi-valued. */
export type VariableLookup = (key: string) => string | undefined;

/** The outcome of substituting a template's variables. */
export type Resolution = { ok: true; glob: string } | { ok: false; missing: string[] };

/** Substitutes variables; every value and default is inserted as literal text. */
export function resolveTemplate(template: Template, lookup: VariableLookup): Resolution {
  if (template.static !== undefined) return { ok: true, glob: template.static };
  let glob = '';
  let missing: string[] | undefined;
  for (const part of template.parts) {
    if (typeof part === 'string') {
      glob += part;
      continue;
    }
    const value = lookup(part.key) ?? part.fallback;
    if (value === undefined) (missing ??= []).push(part.key);
    else glob += escapeLiteral(value);
  }
  return missing === undefined ? { ok: true, glob } : { ok: false, missing };
}

/** The variable keys a template references (lower-cased). */
export function templateKeys(template: Template): string[] {
  return template.parts.filter((p): p is VariableRef => typeof p !== 'string').map((p) => p.key);
}
