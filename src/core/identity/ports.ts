import type { Connection } from './connections.js';
import type { User } from './users.js';

/** Persistence of users; implemented in storage/repositories/auth0-users.ts. */
export interface UserRepository {
  findById(userId: string): Promise<User | undefined>;
  /** Case-insensitive on email (stored lower-case). */
  findByEmail(connectionId: string, email: string): Promise<User | undefined>;
  findByUsername(connectionId: string, username: string): Promise<User | undefined>;
  /** Throws AppError AlreadyExists when the email (or username) is taken in the connection. */
  create(user: User): Promise<void>;
  /** Records a successful login (count, time, IP) and optionally an upgraded password hash. */
  recordLogin(userId: string, at: number, ip: string | null, rehash?: string): Promise<void>;
  setPassword(userId: string, hash: string, at: number): Promise<void>;
}

export interface ConnectionRepository {
  findByName(name: string): Promise<Connection | undefined>;
  findById(id: string): Promise<Connection | undefined>;
  list(): Promise<Connection[]>;
  /** Inserts unless a connection of that name exists. */
  insertIfAbsent(connection: Connection): Promise<void>;
  update(connection: Connection): Promise<void>;
  /** Adds a client to enabled_clients atomically (read-modify-write in one transaction). */
  enableClient(connectionId: string, clientId: string, at: number): Promise<void>;
}
