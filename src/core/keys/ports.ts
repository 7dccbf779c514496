/** A stored key, its material still sealed under the master key. */
export interface StoredKey {
  id: string;
  purpose: string;
  kid: string;
  status: 'next' | 'current' | 'previous' | 'revoked';
  sealed: string;
  createdAt: number;
  rotatedAt: number | null;
}

export interface KeyRepository {
  listByPurpose(purpose: string): Promise<StoredKey[]>;
  /** Inserts unless a key with that id exists (another node won the race); never overwrites. */
  insertIfAbsent(key: StoredKey): Promise<void>;
}
