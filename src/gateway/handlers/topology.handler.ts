import { unary } from './handler';

/** A single broker that leads the single partition, as a one-node Zeebe cluster reports. */
export const topology = unary<unknown, unknown>('TOPOLOGY', async (ctx) => ({
  brokers: [
    {
      nodeId: 0,
      host: ctx.host,
      port: ctx.port,
      partitions: [{ partitionId: 1, role: 'LEADER', health: ctx.engine.isHealthy ? 'HEALTHY' : 'UNHEALTHY' }],
      version: ctx.version,
    },
  ],
  clusterSize: 1,
  partitionsCount: 1,
  replicationFactor: 1,
  gatewayVersion: ctx.version,
}));
