import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { PLATFORMS } from '../../config/sections/app-profiles.js';
import { ASSURANCE_LEVELS } from '../attestation/device-key.js';

/** GET /admin/installs query parameters. Unknown parameters are refused (a typo must not widen a filter). */
export class ListInstallsQuery {
  @IsOptional()
  @IsString()
  @Length(1, 64)
  profile_id?: string;

  @IsOptional()
  @IsIn(PLATFORMS)
  platform?: string;

  @IsOptional()
  @IsIn(ASSURANCE_LEVELS)
  assurance?: string;

  @IsOptional()
  @IsIn(['active', 'deleted', 'all'])
  status?: 'active' | 'deleted' | 'all';

  /** Inclusive lower bound on created_at. */
  @IsOptional()
  @IsISO8601({ strict: true })
  created_after?: string;

  /** Exclusive upper bound on created_at. */
  @IsOptional()
  @IsISO8601({ strict: true })
  created_before?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{1,200}$/)
  cursor?: string;
}

/** Keyset position after the last row of a page (newest first): created_at, then id. */
export interface PageCursor {
  readonly createdAt: Date;
  readonly id: string;
}

export function encodeCursor(cursor: PageCursor): string {
  return Buffer.from(JSON.stringify([cursor.createdAt.toISOString(), cursor.id])).toString('base64url');
}

export function decodeCursor(value: string): PageCursor | undefined {
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as unknown[];
    const date = new Date(createdAt as string);
    if (typeof createdAt !== 'string' || typeof id !== 'string' || Number.isNaN(date.getTime())) return undefined;
    return { createdAt: date, id };
  } catch {
    return undefined;
  }
}
