import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

/**
 * The Zeebe gateway protocol, loaded at run time from the proto file the official client
 * ships (it is not copied into this repository), with the options the client itself uses:
 * int64 as decimal strings, enums as names.
 */
export function loadGatewayService(): grpc.ServiceDefinition {
  const protoPath = path.join(path.dirname(require.resolve('@camunda8/sdk/package.json')), 'dist', 'proto', 'zeebe.proto');
  const definition = protoLoader.loadSync(protoPath, {
    keepCase: true,
    longs: String,
    enums: String,
    defaults: true,
    oneofs: true,
  });
  const pkg = grpc.loadPackageDefinition(definition) as unknown as {
    gateway_protocol: { Gateway: grpc.ServiceClientConstructor };
  };
  return pkg.gateway_protocol.Gateway.service;
}
