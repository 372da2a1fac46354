export { GatewayServer, type GatewayOptions } from './gateway-server';
