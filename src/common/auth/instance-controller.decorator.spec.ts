import 'reflect-metadata';

import { Controller, Delete, Get, Post } from '@nestjs/common';
import { PATH_METADATA } from '@nestjs/common/constants';
import { ApiTags } from '@nestjs/swagger';

import { RouteNotFoundError } from '../errors';
import { ApiErrors } from '../openapi/api-errors.decorator';
import { SWAGGER_METADATA } from '../openapi/swagger-metadata';
import { Auth, AUTH_KINDS, INSTANCE_PARAM, OwnsInstance, Public } from './auth.decorator';
import { InstanceController } from './instance-controller.decorator';

const DECORATORS = SWAGGER_METADATA;

/** Every metadata key the guard and the OpenAPI scanner read from a handler. */
const HANDLER_KEYS = [
  AUTH_KINDS,
  INSTANCE_PARAM,
  PATH_METADATA,
  DECORATORS.API_PARAMETERS,
  DECORATORS.API_RESPONSE,
  DECORATORS.API_SECURITY,
  DECORATORS.API_EXTRA_MODELS,
];

function handlerMetadata(handler: unknown): Record<string, unknown> {
  return Object.fromEntries(
    HANDLER_KEYS.map((key) => [key, Reflect.getMetadata(key, handler as object) as unknown]),
  );
}

@InstanceController('api/thing', { tag: 'Thing' })
class TemplateController {
  @Get('get/:instance')
  @ApiErrors(RouteNotFoundError)
  read(): void {}

  @Delete('delete/:instance')
  @Auth('account')
  remove(): void {}

  @Get('list')
  list(): void {}

  @Post(['one/:instance', 'other/:instance'])
  alias(): void {}

  helper(): void {}
}

@ApiTags('Thing')
@Controller('api/thing')
class StackedController {
  @Get('get/:instance')
  @Auth('account', 'instance')
  @OwnsInstance()
  @ApiErrors(RouteNotFoundError)
  read(): void {}

  @Delete('delete/:instance')
  @Auth('account')
  @OwnsInstance()
  remove(): void {}

  @Get('list')
  @Auth('account', 'instance')
  list(): void {}

  @Post(['one/:instance', 'other/:instance'])
  @Auth('account', 'instance')
  @OwnsInstance()
  alias(): void {}
}

describe('InstanceController (issue 12 §6)', () => {
  it('sets the controller path and the OpenAPI tag', () => {
    expect(Reflect.getMetadata(PATH_METADATA, TemplateController)).toBe('api/thing');
    expect(Reflect.getMetadata(DECORATORS.API_TAGS, TemplateController)).toEqual(['Thing']);
  });

  it.each(['read', 'list', 'alias'] as const)(
    'gives route %s the same metadata as the stacked @Auth/@OwnsInstance decorators',
    (route) => {
      expect(handlerMetadata(TemplateController.prototype[route])).toEqual(
        handlerMetadata(StackedController.prototype[route]),
      );
    },
  );

  it('documents the same errors on a route with its own @Auth (the order of the codes may differ)', () => {
    const documented = (handler: unknown) => {
      const responses = Reflect.getMetadata(DECORATORS.API_RESPONSE, handler as object) as Record<
        string,
        { content: { 'application/json': { examples: object } } }
      >;
      return Object.fromEntries(
        Object.entries(responses).map(([status, response]) => [
          status,
          Object.keys(response.content['application/json'].examples).sort(),
        ]),
      );
    };
    const { [DECORATORS.API_RESPONSE]: _, ...rest } = handlerMetadata(
      TemplateController.prototype.remove,
    );
    const { [DECORATORS.API_RESPONSE]: __, ...stackedRest } = handlerMetadata(
      StackedController.prototype.remove,
    );
    expect(rest).toEqual(stackedRest);
    expect(documented(TemplateController.prototype.remove)).toEqual(
      documented(StackedController.prototype.remove),
    );
  });

  it('checks ownership only on routes with the :instance placeholder', () => {
    expect(Reflect.getMetadata(INSTANCE_PARAM, TemplateController.prototype.read)).toBe('instance');
    expect(Reflect.getMetadata(INSTANCE_PARAM, TemplateController.prototype.list)).toBeUndefined();
  });

  it("keeps a route's own @Auth", () => {
    expect(Reflect.getMetadata(AUTH_KINDS, TemplateController.prototype.remove)).toEqual([
      'account',
    ]);
  });

  it('leaves methods that are not routes alone', () => {
    expect(Reflect.getMetadata(AUTH_KINDS, TemplateController.prototype.helper)).toBeUndefined();
  });

  it('leaves @Public routes public', () => {
    @InstanceController('api/open', { tag: 'Open' })
    class OpenController {
      @Get('ping')
      @Public()
      ping(): void {}
    }
    expect(Reflect.getMetadata(AUTH_KINDS, OpenController.prototype.ping)).toBeUndefined();
  });

  it('uses the given auth kinds and parameter name', () => {
    @InstanceController('api/other', { tag: 'Other', auth: ['account'], param: 'name' })
    class OtherController {
      @Get('x/:name')
      x(): void {}
    }
    expect(Reflect.getMetadata(AUTH_KINDS, OtherController.prototype.x)).toEqual(['account']);
    expect(Reflect.getMetadata(INSTANCE_PARAM, OtherController.prototype.x)).toBe('name');
  });

  it('refuses a route whose aliases do not all name the instance', () => {
    expect(() => {
      @InstanceController('api/bad', { tag: 'Bad' })
      class BadController {
        @Post(['a/:instance', 'b'])
        mixed(): void {}
      }
      return BadController;
    }).toThrow("BadController.mixed: every alias of an instance-scoped route needs ':instance'");
  });
});
