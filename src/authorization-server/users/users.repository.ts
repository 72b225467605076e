import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { isUniqueViolation } from '../../persistence/database-errors.js';

export interface User {
  readonly id: string;
  readonly username: string;
  readonly passwordHash: string;
  readonly displayName: string | null;
  readonly createdAt: Date;
}

interface UserRow {
  id: string;
  username: string;
  password_hash: string;
  display_name: string | null;
  created_at: Date;
}

const toUser = (row: UserRow): User => ({
  id: row.id,
  username: row.username,
  passwordHash: row.password_hash,
  displayName: row.display_name,
  createdAt: row.created_at,
});

@Injectable()
export class UsersRepository {
  constructor(private readonly dataSource: DataSource) {}

  async findByUsername(username: string): Promise<User | undefined> {
    const rows: UserRow[] = await this.dataSource.query('SELECT * FROM users WHERE lower(username) = lower($1)', [username]);
    return rows[0] ? toUser(rows[0]) : undefined;
  }

  async findById(id: string): Promise<User | undefined> {
    const rows: UserRow[] = await this.dataSource.query('SELECT * FROM users WHERE id = $1', [id]);
    return rows[0] ? toUser(rows[0]) : undefined;
  }

  /** False when the username is taken (case-insensitively). */
  async insert(user: User): Promise<boolean> {
    try {
      await this.dataSource.query(
        'INSERT INTO users (id, username, password_hash, display_name, created_at) VALUES ($1, $2, $3, $4, $5)',
        [user.id, user.username, user.passwordHash, user.displayName, user.createdAt],
      );
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  async updatePassword(id: string, passwordHash: string): Promise<void> {
    await this.dataSource.query('UPDATE users SET password_hash = $2 WHERE id = $1', [id, passwordHash]);
  }
}
