import { ConflictException, Injectable, Logger, NotFoundException } from '@nestjs/common';
import {
  type AuthenticatedKey,
  type ConsentState,
  type CustomerDto,
  type CustomerPageDto,
  type CustomerRow,
  type IdentifyCustomerDto,
  type IdentifyResultDto,
  type ListCustomersQueryDto,
  mapCustomer,
  mapCustomerPage,
  MAX_ATTRIBUTES_BYTES,
  type StoredAddresses,
  type UpsertCustomerDto,
} from '../dtos';
import { ValidationFailedException } from '../middleware/validation.pipe';
import { type ConsentChange, type CustomerProfile, CustomerRepository, type PageCursor, type ProfileUpdate } from '../repositories';

/**
 * Customer profiles: upsert by external id, read, list, and identification of anonymous
 * visitors. Who may call what is checked by the routes' roles (client writes; client and owner
 * read; admin everything) before these methods run; writes record the key that made them.
 */
@Injectable()
export class CustomerService {
  private readonly logger = new Logger(CustomerService.name);

  constructor(private readonly customers: CustomerRepository) {}

  /** PUT: creates the customer or changes what the request gives. `created` tells which. */
  async upsert(auth: AuthenticatedKey, externalId: string, dto: UpsertCustomerDto): Promise<{ created: boolean; customer: CustomerDto }> {
    const now = new Date().toISOString();
    // An upsert may bring an erased id back: it is the client explicitly telling of a new relationship.
    const result = await this.customers.upsert(externalId, (current, created) => applyUpsert(current, created, dto, now), auth.id);
    return { created: result.status === 'created', customer: mapCustomer(result.customer) };
  }

  async get(externalId: string): Promise<CustomerDto> {
    return mapCustomer(await this.find(externalId));
  }

  async list(query: ListCustomersQueryDto): Promise<CustomerPageDto> {
    const rows = await this.customers.list({
      segment: query.segment,
      attributes: (query.attribute ?? []).map((filter) => {
        const colon = filter.indexOf(':');
        return [filter.slice(0, colon), filter.slice(colon + 1)] as const;
      }),
      updatedSince: query.updatedSince ? new Date(query.updatedSince) : undefined,
      after: query.cursor ? decodeCursor(query.cursor) : undefined,
      limit: query.limit,
    });
    const page = rows.slice(0, query.limit);
    const next = rows.length > query.limit ? encodeCursor(page[page.length - 1].cursor) : null;
    return mapCustomerPage(page, next);
  }

  /**
   * Ties an anonymous id to the customer, merging the Ghost profile it names (events moved,
   * aggregates recomputed). Idempotent: again with the same ids, nothing changes. An anonymous id
   * that already belongs to another customer is a conflict. An erased customer must be created
   * again by an upsert first: identification runs unattended (a login, a tracking SDK) and must
   * not bring an erased person back on its own.
   */
  async identify(externalId: string, dto: IdentifyCustomerDto): Promise<IdentifyResultDto> {
    const result = await this.customers.identify(externalId, dto.anonymousId, () => false);
    switch (result.status) {
      case 'erased':
        throw new ConflictException(`Customer ${externalId} was erased; create it again with PUT /api/customers/${externalId} before identifying it`);
      case 'other-customer':
        throw new ConflictException(`Anonymous id ${dto.anonymousId} already belongs to another customer`);
      case 'merged':
        this.logger.log(`anonymous profile ${dto.anonymousId} merged into customer ${externalId} (${result.eventsMoved} events)`);
        return { customer: mapCustomer(result.customer), anonymousId: dto.anonymousId, merged: true, eventsMoved: result.eventsMoved };
      default:
        return { customer: mapCustomer(result.customer), anonymousId: dto.anonymousId, merged: false, eventsMoved: 0 };
    }
  }

  private async find(externalId: string): Promise<CustomerRow> {
    const customer = await this.customers.findByExternalId(externalId);
    if (!customer) throw new NotFoundException(`Expected the external id of a customer, found no customer ${externalId}`);
    return customer;
  }
}

/**
 * What an upsert writes, from the current profile: attributes and addresses merged key by key
 * (null removes), other fields replaced when given (null clears). A consent statement that
 * changes a channel's consent is recorded in the history; it becomes the channel's current
 * consent unless a later statement (by `at`) is already current, so statements arriving out of
 * order keep the latest one in force.
 */
export function applyUpsert(current: CustomerRow, created: boolean, dto: UpsertCustomerDto, now: string): ProfileUpdate {
  const attributes = merge(current.attributes, dto.attributes);
  if (Buffer.byteLength(JSON.stringify(attributes), 'utf8') > MAX_ATTRIBUTES_BYTES) {
    throw new ValidationFailedException([
      { field: 'attributes', messages: [`attributes must stay at most ${MAX_ATTRIBUTES_BYTES} bytes of JSON once merged with the stored ones`] },
    ]);
  }
  const consents: Record<string, ConsentState> = { ...current.consents };
  const consentChanges: ConsentChange[] = [];
  for (const statement of dto.consents ?? []) {
    const change = { channel: statement.channel, granted: statement.granted, at: new Date(statement.at ?? now).toISOString(), source: statement.source };
    const inForce = consents[change.channel];
    if (inForce && inForce.granted === change.granted) continue;
    consentChanges.push(change);
    if (!inForce || change.at >= inForce.at) consents[change.channel] = { granted: change.granted, at: change.at, source: change.source };
  }
  const profile: CustomerProfile = {
    attributes,
    addresses: merge(current.addresses as Record<string, unknown>, dto.addresses as Record<string, unknown> | undefined) as StoredAddresses,
    consents,
    timezone: dto.timezone === undefined ? current.timezone : dto.timezone,
    segment: dto.segment === undefined ? current.segment : dto.segment,
  };
  const before: CustomerProfile = {
    attributes: current.attributes,
    addresses: current.addresses,
    consents: current.consents,
    timezone: current.timezone,
    segment: current.segment,
  };
  const changed = created || consentChanges.length > 0 || JSON.stringify(profile) !== JSON.stringify(before);
  return { changed, profile, consentChanges };
}

function merge(stored: Record<string, unknown>, patch: Record<string, unknown> | undefined): Record<string, unknown> {
  const merged = { ...stored };
  for (const [key, value] of Object.entries(patch ?? {})) {
    if (value === null) delete merged[key];
    else if (value !== undefined) merged[key] = value;
  }
  return merged;
}

function encodeCursor(cursor: PageCursor): string {
  return Buffer.from(`${cursor.updatedAtMicros}.${cursor.id}`, 'utf8').toString('base64url');
}

function decodeCursor(text: string): PageCursor {
  const match = /^(\d{1,20})\.(\d{1,20})$/.exec(Buffer.from(text, 'base64url').toString('utf8'));
  if (!match) throw new ValidationFailedException([{ field: 'cursor', messages: ['cursor must be the nextCursor of a previous page'] }]);
  return { updatedAtMicros: match[1], id: match[2] };
}
