/**
 * The `@nestjs/swagger` metadata keys Wharf reads or rewrites (the package does not export its
 * `DECORATORS` constant): `@ApiErrors` replaces its own responses, and the unit tests compare what
 * the route and validation decorators record.
 */
export const SWAGGER_METADATA = {
  API_PARAMETERS: 'swagger/apiParameters',
  API_RESPONSE: 'swagger/apiResponse',
  API_SECURITY: 'swagger/apiSecurity',
  API_EXTRA_MODELS: 'swagger/apiExtraModels',
  API_TAGS: 'swagger/apiUseTags',
  API_MODEL_PROPERTIES: 'swagger/apiModelProperties',
} as const;
