import { AppError } from '../errors.js';
import { IamMessages } from './messages.js';
import type { IamTag } from './ports.js';

/** IAM allows 50 tags per resource (aws-apis.md §4.1). */
export const MAX_TAGS = 50;

const key = (t: IamTag): string => t.Key.toLowerCase();

/** Rejects tag keys repeated in one request (IAM tag keys are case-insensitive). */
export function checkTags(tags: readonly IamTag[]): IamTag[] {
  const seen = new Set<string>();
  for (const t of tags) {
    if (seen.has(key(t))) throw new AppError('InvalidParameter', IamMessages.duplicateTagKeys);
    seen.add(key(t));
  }
  return tags.map((t) => ({ Key: t.Key, Value: t.Value }));
}

/** Adds or overwrites tags (a key matching case-insensitively is replaced), at most 50 in all. */
export function mergeTags(existing: readonly IamTag[], added: readonly IamTag[]): IamTag[] {
  const incoming = checkTags(added);
  const byKey = new Map(existing.map((t) => [key(t), t] as const));
  for (const t of incoming) byKey.set(key(t), t);
  if (byKey.size > MAX_TAGS) throw new AppError('LimitExceeded', IamMessages.tooManyTags);
  return [...byKey.values()];
}

/** Removes tags by key, case-insensitively; absent keys are ignored. */
export function removeTags(existing: readonly IamTag[], keys: readonly string[]): IamTag[] {
  const drop = new Set(keys.map((k) => k.toLowerCase()));
  return existing.filter((t) => !drop.has(key(t)));
}
