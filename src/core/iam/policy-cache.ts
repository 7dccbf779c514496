import { parsePolicy, type ParseOptions, type PolicyDocument, type PolicyKind } from '../policy/index.js';

/**
 * Parsed (and compiled) policy documents by text, bounded, least recently used out first.
 * Parsing is pure, so a cached document never goes stale; only memory is bounded.
 */
export class ParsedPolicyCache {
  readonly #docs = new Map<string, PolicyDocument>();

  constructor(private readonly max = 500) {}

  /** `parsePolicy` with memory; throws the same MalformedPolicyDocument errors. */
  parse(json: string, kind: PolicyKind, options: ParseOptions = {}): PolicyDocument {
    const key = `${kind}${options.requireCurrentVersion ? '!' : ''}\u0000${json}`;
    const hit = this.#docs.get(key);
    if (hit) {
      this.#docs.delete(key);
      this.#docs.set(key, hit);
      return hit;
    }
    const doc = parsePolicy(json, kind, options);
    this.#docs.set(key, doc);
    if (this.#docs.size > this.max) this.#docs.delete(this.#docs.keys().next().value!);
    return doc;
  }
}
