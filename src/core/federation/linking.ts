import { AppError } from '../errors.js';
import type { IdentityRecord, IdentityRepository, IdentityTx, LinkedLogin, LoginKey } from './ports.js';

/** §8.2: linked logins per identity. */
export const MAX_LINKED_LOGINS = 20;

export interface LinkRequest {
  poolId: string;
  /** The identity the caller proved or (for a guest) named; undefined finds or creates one. */
  anchorId?: string;
  logins: LoginKey[];
  /** The developer provider: the one provider several users of which may share an identity (by merging). */
  developerProvider?: string;
  now: number;
  newId: () => string;
}

export interface LinkResult {
  identityId: string;
  created: boolean;
}

const sameLogin = (a: LoginKey, b: LoginKey): boolean => a.provider === b.provider && a.subject === b.subject;

/**
 * Links `logins` to one identity (aws-apis.md §1.5): the identity they (or the anchor) already
 * belong to, or a new one. Logins spread over several identities merge them: the oldest
 * authenticated identity keeps everything, the others are disabled (`mergedInto`). A read
 * answers the common case (everything already linked to one identity); only changes take the
 * transaction, which the repository re-runs when a racing request linked the same login first.
 */
export async function linkLogins(repo: IdentityRepository, req: LinkRequest): Promise<LinkResult> {
  const peeked = await repo.peekLogins(req.poolId, req.logins);
  const settled = peeked && alreadyLinked(req, peeked);
  if (settled) return { identityId: settled, created: false };
  return repo.transact(async (tx) => {
    const found = await tx.findLogins(req.poolId, req.logins);
    const done = alreadyLinked(req, found);
    if (done) return { identityId: done, created: false };
    const candidates = [...new Set([...(req.anchorId === undefined ? [] : [req.anchorId]), ...found.map((l) => l.identityId)])];
    const records = await tx.identities(candidates);
    if (req.anchorId !== undefined && !records.some((r) => r.id === req.anchorId)) throw new AppError('NotFound', `Identity '${req.anchorId}' not found.`);
    const unlinked = req.logins.filter((k) => !found.some((f) => sameLogin(f, k)));
    if (records.length === 0) {
      const id = req.newId();
      await tx.insertIdentity({ id, poolId: req.poolId, authenticated: true, mergedInto: null, createdAt: req.now, updatedAt: req.now });
      checkLogins(unlinked, req.developerProvider);
      await tx.insertLogins(req.poolId, id, unlinked, req.now);
      return { identityId: id, created: true };
    }
    const target = chooseTarget(records);
    await mergeInto(tx, req.poolId, target, records.filter((r) => r.id !== target.id), unlinked, req.developerProvider, req.now);
    return { identityId: target.id, created: false };
  });
}

/** MergeDeveloperIdentities (§1.3): everything of `source` moves to `destination`. */
export async function mergeIdentities(repo: IdentityRepository, poolId: string, sourceId: string, destinationId: string, developerProvider: string, now: number): Promise<void> {
  await repo.transact(async (tx) => {
    const records = await tx.identities([sourceId, destinationId]);
    const destination = records.find((r) => r.id === destinationId);
    const source = records.find((r) => r.id === sourceId);
    if (!destination || !source) throw new AppError('NotFound', 'The identity to merge no longer exists.');
    await mergeInto(tx, poolId, destination, [source], [], developerProvider, now);
  });
}

/** The one identity every login is already linked to (and the anchor, if any), else undefined: nothing to write. */
function alreadyLinked(req: LinkRequest, linked: LinkedLogin[]): string | undefined {
  const owners = new Set(linked.map((l) => l.identityId));
  const [owner] = owners;
  if (req.logins.length === 0 || linked.length !== req.logins.length || owners.size !== 1) return undefined;
  return req.anchorId === undefined || req.anchorId === owner ? owner : undefined;
}

/** The oldest authenticated identity; a guest only when every candidate is a guest. */
function chooseTarget(records: IdentityRecord[]): IdentityRecord {
  const ordered = [...records].sort((a, b) => Number(b.authenticated) - Number(a.authenticated) || a.createdAt - b.createdAt || a.id.localeCompare(b.id));
  return ordered[0]!;
}

async function mergeInto(tx: IdentityTx, poolId: string, target: IdentityRecord, others: IdentityRecord[], fresh: LoginKey[], developerProvider: string | undefined, now: number): Promise<void> {
  const existing: LoginKey[] = await tx.loginsOf([target.id, ...others.map((o) => o.id)]);
  checkLogins([...existing, ...fresh], developerProvider);
  const otherIds = others.map((o) => o.id);
  await tx.moveLogins(poolId, otherIds, target.id);
  await tx.markMerged(otherIds, target.id, now);
  await tx.insertLogins(poolId, target.id, fresh, now);
  // A guest anchor with nothing to link stays a guest.
  await tx.touch(target.id, now, existing.length + fresh.length > 0);
}

/** One user per public provider (a second one is a conflict, §1.5), and at most 20 logins. */
function checkLogins(logins: LoginKey[], developerProvider: string | undefined): void {
  const subjects = new Map<string, string>();
  for (const l of logins) {
    if (l.provider === developerProvider) continue;
    const seen = subjects.get(l.provider);
    if (seen !== undefined && seen !== l.subject) {
      throw new AppError('Conflict', `Logins of two different users of ${l.provider} cannot belong to one identity.`);
    }
    subjects.set(l.provider, l.subject);
  }
  if (logins.length > MAX_LINKED_LOGINS) throw new AppError('LimitExceeded', `An identity can have at most ${MAX_LINKED_LOGINS} linked logins.`);
}

/** Which of `presented` are linked to `identityId` (by exact provider and subject). */
export function linkedTo(identityId: string, presented: LoginKey[], linked: LinkedLogin[]): LoginKey[] {
  return presented.filter((p) => linked.some((l) => l.identityId === identityId && sameLogin(l, p)));
}
