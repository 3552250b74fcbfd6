/** OpenAPI examples of the WebSocket config routes (D8), shared by the route documentation. */

export const EXAMPLE_WEBSOCKET = { enabled: true, events: ['message.exchange'], mediaBase64: false };
