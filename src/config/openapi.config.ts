import { DocumentBuilder, type OpenAPIObject } from '@nestjs/swagger';

/** Name of the API-key security scheme; controllers that need a key declare `@ApiSecurity(API_KEY_SCHEME)`. */
export const API_KEY_SCHEME = 'api-key';
export const API_KEY_HEADER = 'x-api-key';

/** The OpenAPI document's header; the paths come from the controllers. */
export function openApiConfig(version: string): Omit<OpenAPIObject, 'paths'> {
  return new DocumentBuilder()
    .setTitle('Travesía')
    .setDescription(
      'Customer-journey orchestration: model journeys as BPMN, deploy them to a Zeebe engine, ' +
        'enrol customers, send touchpoints and read per-activity KPIs and history.',
    )
    .setVersion(version)
    .addApiKey(
      { type: 'apiKey', in: 'header', name: API_KEY_HEADER, description: 'API key; its role decides what it may do.' },
      API_KEY_SCHEME,
    )
    .build();
}
