/**
 * Values the OpenAPI examples share, so that the examples of the API tell one story: the
 * journey `welcome`, its version 2 deployed, the customer `crm-000123` enrolled into it, and
 * the Zeebe keys of that instance.
 */
export const EXAMPLE = {
  journeyId: '5b1d7a3e-2c4f-4e8a-9b6d-0f1e2d3c4b5a',
  deploymentId: 'c7e9a1b3-5d2f-4e6a-8b0c-3d5f7a9b1c2e',
  enrolmentId: '9d3f2a1b-6c5e-4f70-8a9b-1c2d3e4f5a6b',
  enrolmentJobId: 'e2a4c6d8-1b3f-4a5c-9e7d-2f4b6d8a0c1e',
  keyId: '0b6f7c1e-2f4a-4c55-9a43-8d1b2c3d4e5f',
  analystKeyId: '3a8c5e7f-9b1d-4f2a-8c6e-5d7f9a1b3c4d',
  customerId: 'crm-000123',
  anonymousId: 'anon-7f3a9c',
  processDefinitionKey: '2251799813685249',
  processInstanceKey: '2251799813685251',
  elementInstanceKey: '2251799813685255',
  jobKey: '2251799813685258',
  incidentKey: '2251799813685260',
  createdAt: '2025-11-26T09:30:00.000Z',
  startedAt: '2025-11-26T09:30:00.120Z',
  endedAt: '2025-11-26T09:42:17.480Z',
  checksum: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
} as const;
