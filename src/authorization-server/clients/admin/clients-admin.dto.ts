import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';

export class VerifyClientDto {
  @IsString()
  @MinLength(1)
  @MaxLength(8192)
  client_id: string;
}

export class BlockClientDto {
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  reason: string;
}

export class ListClientsQuery {
  @IsOptional()
  @IsIn(['cimd', 'dcr'])
  source?: 'cimd' | 'dcr';

  /** Keyset cursor: the last client_id of the previous page. */
  @IsOptional()
  @IsString()
  @MaxLength(8192)
  after?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
}
