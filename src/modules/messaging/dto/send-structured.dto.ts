import { ApiProperty } from '@nestjs/swagger';
import { plainToInstance, Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsNumber,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';

import { Optional } from '../../../common/validation/validators';
import { SendCommonDto } from './send-more.dto';

/** Button types of API.md §3.2 (carousel, button). */
export const BUTTON_TYPES = ['REPLY', 'URL', 'CALL', 'COPY'] as const;
/** PIX key types of API.md §3.2 (pix). */
export const PIX_KEY_TYPES = ['CPF', 'CNPJ', 'EMAIL', 'PHONE', 'RANDOM'] as const;

/** One contact card of `POST /api/message/contact` (at least `fullName` or `phone`). */
export class VcardDto {
  @Optional()
  @IsString()
  @MaxLength(256)
  @ApiProperty({ required: false, example: 'Ana Souza' })
  fullName?: string;

  /** Digits (D13 punctuation allowed); becomes `TEL;waid=<digits>`. */
  @Optional()
  @IsString()
  @MaxLength(40)
  @ApiProperty({ required: false, example: '5511988887777' })
  phone?: string;

  @Optional()
  @IsString()
  @MaxLength(256)
  @ApiProperty({ required: false, example: 'Acme' })
  organization?: string;

  @Optional()
  @IsString()
  @MaxLength(256)
  @ApiProperty({ required: false, example: 'ana@acme.com' })
  email?: string;

  @Optional()
  @IsString()
  @MaxLength(2048)
  @ApiProperty({ required: false, example: 'https://acme.com' })
  url?: string;
}

/** `POST /api/message/contact/:instance` (API.md §3.2): one vCard object or an array of them. */
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

/** `POST /api/message/reaction/:instance` (API.md §3.2). No delay, replyTo or mentions. */
export class SendReactionDto extends SendCommonDto {
  @IsString()
  @IsNotEmpty({ message: 'messageId is required' })
  @MaxLength(128)
  @ApiProperty({ example: '3EB08FCF27E532F1B0F5' })
  messageId: string;

  /** An emoji, or `remove`. */
  @IsString()
  @IsNotEmpty({ message: 'reaction is required' })
  @MaxLength(32)
  @ApiProperty({ example: '👍', description: 'An emoji, or `"remove"`' })
  reaction: string;

  @Optional()
  @IsBoolean()
  @ApiProperty({ required: false, default: false })
  fromMe?: boolean;

  /** Author of the target (groups, when `fromMe` is false). */
  @Optional()
  @IsString()
  @MaxLength(120)
  @ApiProperty({ required: false, example: '5511988887777@s.whatsapp.net' })
  participant?: string;
}

/** A button of a carousel card or a buttons message. */
export class ButtonDto {
  @IsString()
  @IsNotEmpty({ message: 'buttons[].id is required' })
  @MaxLength(2048)
  @ApiProperty({ example: 'plan_basic' })
  id: string;

  @Optional()
  @IsString()
  @MaxLength(64)
  @ApiProperty({ required: false, example: 'Basic' })
  displayText?: string;

  @Optional()
  @IsIn(BUTTON_TYPES, { message: 'buttons[].type must be one of REPLY, URL, CALL, COPY' })
  @ApiProperty({ required: false, enum: BUTTON_TYPES, default: 'REPLY' })
  type?: (typeof BUTTON_TYPES)[number];
}

class CardHeaderDto {
  @IsString()
  @IsNotEmpty({ message: 'cards[].header.title is required' })
  @MaxLength(256)
  title: string;

  @Optional()
  @IsString()
  @MaxLength(256)
  subtitle?: string;

  @Optional()
  @IsString()
  @MaxLength(2048)
  imageUrl?: string;

  @Optional()
  @IsString()
  @MaxLength(2048)
  videoUrl?: string;
}

class CardBodyDto {
  @IsString()
  @IsNotEmpty({ message: 'cards[].body.text is required' })
  @MaxLength(1024)
  text: string;
}

class CardDto {
  @ValidateNested()
  @Type(() => CardHeaderDto)
  header: CardHeaderDto;

  @ValidateNested()
  @Type(() => CardBodyDto)
  body: CardBodyDto;

  @Optional()
  @IsString()
  @MaxLength(256)
  footer?: string;

  @IsArray()
  @ArrayMinSize(1, { message: 'cards[].buttons must contain at least 1 button' })
  @ArrayMaxSize(3, { message: 'cards[].buttons must contain at most 3 buttons' })
  @ValidateNested({ each: true })
  @Type(() => ButtonDto)
  buttons: ButtonDto[];
}

/** `POST /api/message/carousel/:instance` (API.md §3.2). */
export class SendCarouselDto extends SendCommonDto {
  @Optional()
  @IsString()
  @MaxLength(4096)
  @ApiProperty({ required: false, example: 'Our plans' })
  message?: string;

  @Optional()
  @IsString()
  @MaxLength(256)
  @ApiProperty({ required: false })
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

/** `POST /api/message/button/:instance` (API.md §3.2; alias route `buttons`, D22). */
export class SendButtonsDto extends SendCommonDto {
  @IsString()
  @IsNotEmpty({ message: 'contentText is required' })
  @MaxLength(4096)
  @ApiProperty({ example: 'How can we help?' })
  contentText: string;

  @IsArray({ message: 'buttons is required' })
  @ArrayMinSize(1, { message: 'buttons must contain between 1 and 3 buttons' })
  @ArrayMaxSize(3, { message: 'buttons must contain between 1 and 3 buttons' })
  @ValidateNested({ each: true })
  @Type(() => ButtonDto)
  @ApiProperty({ type: [ButtonDto] })
  buttons: ButtonDto[];

  @Optional()
  @IsString()
  @MaxLength(60)
  @ApiProperty({ required: false })
  headerText?: string;

  @Optional()
  @IsString()
  @MaxLength(60)
  @ApiProperty({ required: false })
  footerText?: string;

  /** Header media URL (D12); replaces `headerText`. */
  @Optional()
  @IsString()
  @MaxLength(2048)
  @ApiProperty({ required: false })
  mediaUrl?: string;

  @Optional()
  @IsIn(['IMAGE', 'VIDEO', 'DOCUMENT'], {
    message: 'mediaType must be one of IMAGE, VIDEO, DOCUMENT',
  })
  @ApiProperty({ required: false, enum: ['IMAGE', 'VIDEO', 'DOCUMENT'] })
  mediaType?: string;
}

class ListRowDto {
  @IsString()
  @IsNotEmpty({ message: 'sections[].rows[].id is required' })
  @MaxLength(200)
  id: string;

  @IsString()
  @IsNotEmpty({ message: 'sections[].rows[].title is required' })
  @MaxLength(24)
  title: string;

  @Optional()
  @IsString()
  @MaxLength(72)
  description?: string;
}

class ListSectionDto {
  @Optional()
  @IsString()
  @MaxLength(24)
  title?: string;

  @IsArray()
  @ArrayMinSize(1, { message: 'sections[].rows must contain at least 1 row' })
  @ArrayMaxSize(10, { message: 'sections[].rows must contain at most 10 rows' })
  @ValidateNested({ each: true })
  @Type(() => ListRowDto)
  rows: ListRowDto[];
}

/** `POST /api/message/list/:instance` (API.md §3.2). */
export class SendListDto extends SendCommonDto {
  @IsString()
  @IsNotEmpty({ message: 'contentText is required' })
  @MaxLength(4096)
  @ApiProperty({ example: 'Pick a department' })
  contentText: string;

  @IsString()
  @IsNotEmpty({ message: 'buttonText is required' })
  @MaxLength(20)
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

  @Optional()
  @IsString()
  @MaxLength(60)
  @ApiProperty({ required: false })
  headerText?: string;

  @Optional()
  @IsString()
  @MaxLength(60)
  @ApiProperty({ required: false })
  footerText?: string;
}

/** `POST /api/message/form/:instance` (API.md §3.2): a WhatsApp Flow behind one button. */
export class SendFormDto extends SendCommonDto {
  @IsString()
  @IsNotEmpty({ message: 'message is required' })
  @MaxLength(4096)
  @ApiProperty({ example: 'Please fill in your details' })
  message: string;

  @Optional()
  @IsIn(['contact_details', 'registration_offer'], {
    message: 'formType must be one of contact_details, registration_offer',
  })
  @ApiProperty({ required: false, enum: ['contact_details', 'registration_offer'] })
  formType?: 'contact_details' | 'registration_offer';

  @Optional()
  @IsString()
  @MaxLength(20)
  @ApiProperty({ required: false, default: 'Open form' })
  buttonLabel?: string;

  @Optional()
  @IsString()
  @MaxLength(256)
  @ApiProperty({ required: false })
  flowToken?: string;

  @Optional()
  @IsString()
  @MaxLength(64)
  @ApiProperty({ required: false })
  flowId?: string;

  @Optional()
  @IsString()
  @MaxLength(8)
  @ApiProperty({ required: false, default: '3' })
  flowMessageVersion?: string;

  @Optional()
  @IsInt()
  @Min(1)
  @Max(10)
  @ApiProperty({ required: false, default: 1 })
  messageVersion?: number;

  /** A fully custom `galaxy_message` parameters object, as JSON text (wins over the rest). */
  @Optional()
  @IsString()
  @MaxLength(20_000)
  @ApiProperty({ required: false })
  buttonParamsJSON?: string;

  @Optional() @IsBoolean() fullNameVisible?: boolean;
  @Optional() @IsBoolean() phoneNumberVisible?: boolean;
  @Optional() @IsBoolean() emailVisible?: boolean;
  @Optional() @IsBoolean() cpfOrCnpjVisible?: boolean;
  @Optional() @IsBoolean() deliveryAddressVisible?: boolean;

  @Optional()
  @IsString()
  @MaxLength(256)
  offerName?: string;

  @Optional()
  @IsString()
  @MaxLength(1024)
  offerDescription?: string;
}

class PixItemDto {
  @IsString()
  @IsNotEmpty({ message: 'items[].name is required' })
  @MaxLength(256)
  name: string;

  @Optional()
  @IsString()
  @MaxLength(1024)
  description?: string;

  @IsInt({ message: 'items[].quantity must be a positive integer' })
  @Min(1, { message: 'items[].quantity must be a positive integer' })
  quantity: number;

  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  unitPrice: number;
}

/** `POST /api/message/pix/:instance` (API.md §3.2): a visual "copy key" card, no charge. */
export class SendPixDto extends SendCommonDto {
  @IsString()
  @IsNotEmpty({ message: 'merchantName is required' })
  @MaxLength(100)
  @ApiProperty({ example: 'Acme Ltda' })
  merchantName: string;

  @IsString()
  @IsNotEmpty({ message: 'pixKey is required' })
  @MaxLength(140)
  @ApiProperty({ example: '12345678901' })
  pixKey: string;

  @IsIn(PIX_KEY_TYPES, { message: 'pixKeyType must be one of CPF, CNPJ, EMAIL, PHONE, RANDOM' })
  @ApiProperty({ enum: PIX_KEY_TYPES })
  pixKeyType: (typeof PIX_KEY_TYPES)[number];

  @Optional()
  @IsString()
  @MaxLength(4096)
  @ApiProperty({ required: false })
  message?: string;

  @Optional()
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => PixItemDto)
  @ApiProperty({
    required: false,
    example: [{ name: 'T-shirt', description: 'Size M', quantity: 1, unitPrice: 49.9 }],
  })
  items?: PixItemDto[];
}
