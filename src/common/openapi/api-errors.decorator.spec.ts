import 'reflect-metadata';

import { InstanceNotFoundError, InstanceNotOwnedError, RouteNotFoundError } from '../errors';
import { ApiErrors } from './api-errors.decorator';
import { SWAGGER_METADATA } from './swagger-metadata';

const { API_RESPONSE } = SWAGGER_METADATA;

describe('ApiErrors (D18)', () => {
  it('lists each code of a status once when several @ApiErrors stack on a route', () => {
    class Controller {
      @ApiErrors(InstanceNotOwnedError, InstanceNotFoundError)
      @ApiErrors(RouteNotFoundError)
      route(): void {}
    }
    const responses = Reflect.getMetadata(API_RESPONSE, Controller.prototype.route) as Record<
      string,
      { description: string; content: { 'application/json': { examples: object } } }
    >;
    expect(responses[404].description).toBe(
      '`ROUTE_NOT_FOUND`: Route not found<br>`INSTANCE_NOT_FOUND`: Instance not found',
    );
    expect(Object.keys(responses[404].content['application/json'].examples)).toEqual([
      'ROUTE_NOT_FOUND',
      'INSTANCE_NOT_FOUND',
    ]);
    expect(responses[403].description).toBe(
      '`INSTANCE_NOT_OWNED`: Instance does not belong to your account',
    );
  });
});
