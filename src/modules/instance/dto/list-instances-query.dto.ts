import { ApiProperty } from '@nestjs/swagger';
import { ValidateString } from '@wharf/common/validation/composite-validators';
import { Optional } from '@wharf/common/validation/validators';
import { Transform } from 'class-transformer';
import { IsInt, Matches, Max, Min } from 'class-validator';

/** Default and largest page of `GET /api/instance/list` (D23 paging). */
export const INSTANCE_PAGE_DEFAULT = 100;
export const INSTANCE_PAGE_MAX = 500;

/** A query-string number: digits become a number, anything else stays for the validator. */
const toWholeNumber = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;

/**
 * Query of `GET /api/instance/list`. Paging (D23): `limit` items per page (default 100, at most
 * 500), either a 1-based `page` or the `cursor` (`meta.nextCursor` of the previous page); a
 * RyzeAPI client that sends neither gets the first page and `meta.hasMore` says whether more
 * exist.
 */
export class ListInstancesQueryDto {
  /** One name, or a comma-separated list (a list only with a TokenAccount). Ignored for a TokenInstance. */
  @ValidateString({ optional: true, maxLength: 10_000 })
  @ApiProperty({ example: 'sales,support' })
  instanceName?: string;

  /** Items per page, 1–500 (default 100). */
  @Optional()
  @Transform(toWholeNumber)
  @IsInt({ message: 'limit must be a whole number' })
  @Min(1, { message: 'limit must be at least 1' })
  @Max(INSTANCE_PAGE_MAX, { message: `limit must not exceed ${INSTANCE_PAGE_MAX}` })
  @ApiProperty({ example: INSTANCE_PAGE_DEFAULT, type: Number })
  limit?: number;

  /** 1-based page number (not with `cursor`). */
  @Optional()
  @Transform(toWholeNumber)
  @IsInt({ message: 'page must be a whole number' })
  @Min(1, { message: 'page must be at least 1' })
  @Max(1_000_000, { message: 'page must not exceed 1000000' })
  @ApiProperty({ example: 1, type: Number })
  page?: number;

  /** `meta.nextCursor` of the previous page (not with `page`). */
  @ValidateString({ optional: true, maxLength: 1_000 })
  @Matches(/^[A-Za-z0-9_-]+$/, { message: 'cursor must be a cursor returned by this endpoint' })
  cursor?: string;
}
