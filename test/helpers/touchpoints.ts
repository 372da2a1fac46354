import type { ZeebeGrpcClient } from '../../src/engine-host';

interface EmailJob {
  key: string;
  customHeaders: Record<string, string>;
  variables: { customerId?: string };
}

/**
 * A test's email touchpoint worker: completes the `touchpoint.email` jobs of `template` for
 * these customers, with `<template>SentAt` (jobs of other templates or customers go back after a
 * short lock, for a later step). Fails the test when one of the customers' jobs never comes.
 */
export async function sendEmails(zeebe: ZeebeGrpcClient, template: string, customers: readonly string[], timeoutMs = 40_000): Promise<void> {
  const pending = new Set(customers);
  const deadline = Date.now() + timeoutMs;
  while (pending.size > 0 && Date.now() < deadline) {
    const jobs = (await zeebe.activateJobs({ type: 'touchpoint.email', worker: 'test-mailer', timeout: 2_000, maxJobsToActivate: 10, requestTimeout: 500 } as never)) as never as EmailJob[];
    for (const job of jobs) {
      const customer = job.variables.customerId;
      if (job.customHeaders.template !== template || customer === undefined || !pending.has(customer)) continue;
      pending.delete(customer);
      await zeebe.completeJob({ jobKey: job.key, variables: { [`${template}SentAt`]: new Date().toISOString() } });
    }
  }
  expect([...pending]).toEqual([]);
}
