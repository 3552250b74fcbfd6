import { ApiProperty } from '@nestjs/swagger';
import {
  ValidateBoolean,
  ValidateInt,
  ValidateString,
} from '@wharf/common/validation/composite-validators';
import { Optional } from '@wharf/common/validation/validators';
import { plainToInstance, Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsNumber,
  Min,
  ValidateNested,
} from 'class-validator';

import { SendCommonDto } from './send-more.dto';

/** Button types of docs/API.md §3.2 (carousel, button). */
export const BUTTON_TYPES = ['REPLY', 'URL', 'CALL', 'COPY'] as const;
/** PIX key types of docs/API.md §3.2 (pix). */
export const PIX_KEY_TYPES = ['CPF', 'CNPJ', 'EMAIL', 'PHONE', 'RANDOM'] as const;

/** One contact card of `POST /api/message/contact` (at least `fullName` or `phone`). */
export class VcardDto {
  @ValidateString({ optional: true, maxLength: 256 })
  @ApiProperty({ example: 'Ana Souza' })
  fullName?: string;

  /** Digits (D13 punctuation allowed); becomes `TEL;waid=<digits>`. */
  @ValidateString({ optional: true, maxLength: 40 })
  @ApiProperty({ example: '5511988887777' })
  phone?: string;

  @ValidateString({ optional: true, maxLength: 256 })
  @ApiProperty({ example: 'Acme' })
  organization?: string;

  @ValidateString({ optional: true, maxLength: 256 })
  @ApiProperty({ example: 'ana@acme.com' })
  email?: string;

  @ValidateString({ optional: true, maxLength: 2048 })
  @ApiProperty({ example: 'https://acme.com' })
  url?: string;
}

/** `POST /api/message/contact/:instance` (docs/API.md §3.2): one vCard object or an array of them. */
export class SendContactDto extends SendCommonDto {
  @Transform(({ obj }: { obj: Record<string, unknown> }) => {
    const value = obj.vcard;
    const list = Array.isArray(value)
      ? value
      : value && typeof value === 'object'
        ? [value]
        : value;
    return Array.isArray(list)
      ? (list as unknown[]).map((item): unknown =>
          item && typeof item === 'object' ? plainToInstance(VcardDto, item) : item,
        )
      : list;
  })
  @IsArray({ message: 'vcard is required' })
  @ArrayMinSize(1, { message: 'vcard must contain at least 1 contact' })
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @ApiProperty({ type: [VcardDto], description: 'One object is accepted too' })
  vcard: VcardDto[];
}

/** `POST /api/message/reaction/:instance` (docs/API.md §3.2). No delay, replyTo or mentions. */
export class SendReactionDto extends SendCommonDto {
  @ValidateString({ notEmpty: 'messageId is required', maxLength: 128 })
  @ApiProperty({ example: '3EB08FCF27E532F1B0F5' })
  messageId: string;

  /** An emoji, or `remove`. */
  @ValidateString({ notEmpty: 'reaction is required', maxLength: 32 })
  @ApiProperty({ example: '👍', description: 'An emoji, or `"remove"`' })
  reaction: string;

  @ValidateBoolean({ optional: true })
  @ApiProperty({ default: false })
  fromMe?: boolean;

  /** Author of the target (groups, when `fromMe` is false). */
  @ValidateString({ optional: true, maxLength: 120 })
  @ApiProperty({ example: '5511988887777@s.whatsapp.net' })
  participant?: string;
}

/** A button of a carousel card or a buttons message. */
export class ButtonDto {
  @ValidateString({ notEmpty: 'buttons[].id is required', maxLength: 2048 })
  @ApiProperty({ example: 'plan_basic' })
  id: string;

  @ValidateString({ optional: true, maxLength: 64 })
  @ApiProperty({ example: 'Basic' })
  displayText?: string;

  @Optional()
  @IsIn(BUTTON_TYPES, { message: 'buttons[].type must be one of REPLY, URL, CALL, COPY' })
  @ApiProperty({ enum: BUTTON_TYPES, default: 'REPLY' })
  type?: (typeof BUTTON_TYPES)[number];
}

class CardHeaderDto {
  @ValidateString({ notEmpty: 'cards[].header.title is required', maxLength: 256 })
  title: string;

  @ValidateString({ optional: true, maxLength: 256 })
  subtitle?: string;

  @ValidateString({ optional: true, maxLength: 2048 })
  imageUrl?: string;

  @ValidateString({ optional: true, maxLength: 2048 })
  videoUrl?: string;
}

class CardBodyDto {
  @ValidateString({ notEmpty: 'cards[].body.text is required', maxLength: 1024 })
  text: string;
}

class CardDto {
  @ValidateNested()
  @Type(() => CardHeaderDto)
  header: CardHeaderDto;

  @ValidateNested()
  @Type(() => CardBodyDto)
  body: CardBodyDto;

  @ValidateString({ optional: true, maxLength: 256 })
  footer?: string;

  @IsArray()
  @ArrayMinSize(1, { message: 'cards[].buttons must contain at least 1 button' })
  @ArrayMaxSize(3, { message: 'cards[].buttons must contain at most 3 buttons' })
  @ValidateNested({ each: true })
  @Type(() => ButtonDto)
  buttons: ButtonDto[];
}

/** `POST /api/message/carousel/:instance` (docs/API.md §3.2). */
export class SendCarouselDto extends SendCommonDto {
  @ValidateString({ optional: true, maxLength: 4096 })
  @ApiProperty({ example: 'Our plans' })
  message?: string;

  @ValidateString({ optional: true, maxLength: 256 })
  footer?: string;

  @IsArray({ message: 'cards is required' })
  @ArrayMinSize(1, { message: 'cards must contain at least 1 card' })
  @ArrayMaxSize(10, { message: 'cards must contain at most 10 cards' })
  @ValidateNested({ each: true })
  @Type(() => CardDto)
  @ApiProperty({
    example: [
      {
        header: { title: 'Basic' },
        body: { text: 'R$ 10/month' },
        buttons: [{ id: 'plan_basic', displayText: 'Choose', type: 'REPLY' }],
      },
    ],
  })
  cards: CardDto[];
}

/** `POST /api/message/button/:instance` (docs/API.md §3.2; alias route `buttons`, D22). */
export class SendButtonsDto extends SendCommonDto {
  @ValidateString({ notEmpty: 'contentText is required', maxLength: 4096 })
  @ApiProperty({ example: 'How can we help?' })
  contentText: string;

  @IsArray({ message: 'buttons is required' })
  @ArrayMinSize(1, { message: 'buttons must contain between 1 and 3 buttons' })
  @ArrayMaxSize(3, { message: 'buttons must contain between 1 and 3 buttons' })
  @ValidateNested({ each: true })
  @Type(() => ButtonDto)
  @ApiProperty({ type: [ButtonDto] })
  buttons: ButtonDto[];

  @ValidateString({ optional: true, maxLength: 60 })
  headerText?: string;

  @ValidateString({ optional: true, maxLength: 60 })
  footerText?: string;

  /** Header media URL (D12); replaces `headerText`. */
  @ValidateString({ optional: true, maxLength: 2048 })
  mediaUrl?: string;

  @Optional()
  @IsIn(['IMAGE', 'VIDEO', 'DOCUMENT'], {
    message: 'mediaType must be one of IMAGE, VIDEO, DOCUMENT',
  })
  @ApiProperty({ enum: ['IMAGE', 'VIDEO', 'DOCUMENT'] })
  mediaType?: string;
}

class ListRowDto {
  @ValidateString({ notEmpty: 'sections[].rows[].id is required', maxLength: 200 })
  id: string;

  @ValidateString({ notEmpty: 'sections[].rows[].title is required', maxLength: 24 })
  title: string;

  @ValidateString({ optional: true, maxLength: 72 })
  description?: string;
}

class ListSectionDto {
  @ValidateString({ optional: true, maxLength: 24 })
  title?: string;

  @IsArray()
  @ArrayMinSize(1, { message: 'sections[].rows must contain at least 1 row' })
  @ArrayMaxSize(10, { message: 'sections[].rows must contain at most 10 rows' })
  @ValidateNested({ each: true })
  @Type(() => ListRowDto)
  rows: ListRowDto[];
}

/** `POST /api/message/list/:instance` (docs/API.md §3.2). */
export class SendListDto extends SendCommonDto {
  @ValidateString({ notEmpty: 'contentText is required', maxLength: 4096 })
  @ApiProperty({ example: 'Pick a department' })
  contentText: string;

  @ValidateString({ notEmpty: 'buttonText is required', maxLength: 20 })
  @ApiProperty({ example: 'Open menu' })
  buttonText: string;

  @IsArray({ message: 'sections is required' })
  @ArrayMinSize(1, { message: 'sections must contain between 1 and 10 sections' })
  @ArrayMaxSize(10, { message: 'sections must contain between 1 and 10 sections' })
  @ValidateNested({ each: true })
  @Type(() => ListSectionDto)
  @ApiProperty({
    example: [{ title: 'Support', rows: [{ id: 'billing', title: 'Billing', description: '' }] }],
  })
  sections: ListSectionDto[];

  @ValidateString({ optional: true, maxLength: 60 })
  headerText?: string;

  @ValidateString({ optional: true, maxLength: 60 })
  footerText?: string;
}

/** `POST /api/message/form/:instance` (docs/API.md §3.2): a WhatsApp Flow behind one button. */
export class SendFormDto extends SendCommonDto {
  @ValidateString({ notEmpty: 'message is required', maxLength: 4096 })
  @ApiProperty({ example: 'Please fill in your details' })
  message: string;

  @Optional()
  @IsIn(['contact_details', 'registration_offer'], {
    message: 'formType must be one of contact_details, registration_offer',
  })
  @ApiProperty({ enum: ['contact_details', 'registration_offer'] })
  formType?: 'contact_details' | 'registration_offer';

  @ValidateString({ optional: true, maxLength: 20 })
  @ApiProperty({ default: 'Open form' })
  buttonLabel?: string;

  @ValidateString({ optional: true, maxLength: 256 })
  flowToken?: string;

  @ValidateString({ optional: true, maxLength: 64 })
  flowId?: string;

  @ValidateString({ optional: true, maxLength: 8 })
  @ApiProperty({ default: '3' })
  flowMessageVersion?: string;

  @ValidateInt({ optional: true, min: 1, max: 10 })
  @ApiProperty({ default: 1 })
  messageVersion?: number;

  /** A fully custom `galaxy_message` parameters object, as JSON text (wins over the rest). */
  @ValidateString({ optional: true, maxLength: 20_000 })
  buttonParamsJSON?: string;

  @ValidateBoolean({ optional: true }) fullNameVisible?: boolean;
  @ValidateBoolean({ optional: true }) phoneNumberVisible?: boolean;
  @ValidateBoolean({ optional: true }) emailVisible?: boolean;
  @ValidateBoolean({ optional: true }) cpfOrCnpjVisible?: boolean;
  @ValidateBoolean({ optional: true }) deliveryAddressVisible?: boolean;

  @ValidateString({ optional: true, maxLength: 256 })
  offerName?: string;

  @ValidateString({ optional: true, maxLength: 1024 })
  offerDescription?: string;
}

class PixItemDto {
  @ValidateString({ notEmpty: 'items[].name is required', maxLength: 256 })
  name: string;

  @ValidateString({ optional: true, maxLength: 1024 })
  description?: string;

  @IsInt({ message: 'items[].quantity must be a positive integer' })
  @Min(1, { message: 'items[].quantity must be a positive integer' })
  quantity: number;

  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  unitPrice: number;
}

/** `POST /api/message/pix/:instance` (docs/API.md §3.2): a visual "copy key" card, no charge. */
export class SendPixDto extends SendCommonDto {
  @ValidateString({ notEmpty: 'merchantName is required', maxLength: 100 })
  @ApiProperty({ example: 'Acme Ltda' })
  merchantName: string;

  @ValidateString({ notEmpty: 'pixKey is required', maxLength: 140 })
  @ApiProperty({ example: '12345678901' })
  pixKey: string;

  @IsIn(PIX_KEY_TYPES, { message: 'pixKeyType must be one of CPF, CNPJ, EMAIL, PHONE, RANDOM' })
  @ApiProperty({ enum: PIX_KEY_TYPES })
  pixKeyType: (typeof PIX_KEY_TYPES)[number];

  @ValidateString({ optional: true, maxLength: 4096 })
  message?: string;

  @Optional()
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => PixItemDto)
  @ApiProperty({
    example: [{ name: 'T-shirt', description: 'Size M', quantity: 1, unitPrice: 49.9 }],
  })
  items?: PixItemDto[];
}
