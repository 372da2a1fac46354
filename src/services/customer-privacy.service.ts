import { Injectable, Logger, NotFoundException } from '@nestjs/common';
import { type AuthenticatedKey, type CustomerExportDto, mapConsentChange, mapCustomer, mapCustomerEvent } from '../dtos';
import { CustomerEventRepository, CustomerRepository } from '../repositories';

/** The customer a data holder is asked about. */
export interface CustomerRef {
  readonly externalId: string;
  readonly anonymousIds: readonly string[];
}

/**
 * A part of Travesía that holds data about customers beyond their profile and events — journey
 * instances and history, touchpoint deliveries, KPIs per customer… It registers itself (e.g. in
 * `onModuleInit`: `privacy.registerHolder({ name: 'journeys', export, erase })`) so that the GDPR
 * export includes its data under `related.<name>` and erasure reaches it.
 */
export interface CustomerDataHolder {
  /** Key under `related` in the export, e.g. `journeys`. Unique. */
  readonly name: string;
  /** Everything held about the customer, as JSON. */
  export(customer: CustomerRef): Promise<unknown>;
  /** Delete or irreversibly anonymise everything held about the customer. Must be idempotent: an erasure that failed half-way is repeated. */
  erase(customer: CustomerRef): Promise<void>;
}

/**
 * GDPR: the export of everything held about a customer (art. 15 and 20) and erasure (art. 17).
 *
 * Erasure deletes rather than anonymises: the profile, consents and their history, anonymous
 * ids, events and aggregates are deleted in one transaction; an anonymised event history would
 * still single the person out through its properties (addresses, order ids, free text). What is
 * kept is a tombstone per erased id — its external id and each anonymous id — holding only a
 * SHA-256 of the id and the time of erasure, no personal data in clear. Tombstones exist so
 * that erased data does not come back: events for an erased id are refused when they happened
 * before the erasure (replays, late deliveries) or when no profile was created again for it
 * since (see EventService); a PUT of the customer starts a new relationship. The hash is of the
 * id only, so whoever already knows an id can tell that it was erased here — which is exactly
 * what the tombstone is for, and nothing more.
 *
 * Data holders registered by other parts are exported with the rest and erased first, so that
 * a holder's failure stops the erasure before the profile (and the ids the holder needs) are
 * gone; the client repeats it. The `journeys` holder (CustomerHistoryService) covers what the
 * engine got: the customer profile and event properties in instance variables and messages.
 */
@Injectable()
export class CustomerPrivacyService {
  private readonly logger = new Logger(CustomerPrivacyService.name);
  private readonly holders = new Map<string, CustomerDataHolder>();

  constructor(
    private readonly customers: CustomerRepository,
    private readonly events: CustomerEventRepository,
  ) {}

  /** Adds a holder of customer data; returns a function that removes it again. */
  registerHolder(holder: CustomerDataHolder): () => void {
    if (this.holders.has(holder.name)) throw new Error(`A customer data holder named "${holder.name}" is already registered.`);
    this.holders.set(holder.name, holder);
    return () => this.holders.delete(holder.name);
  }

  async export(externalId: string): Promise<CustomerExportDto> {
    const customer = await this.customers.findByExternalId(externalId);
    if (!customer) throw notFound(externalId);
    const [anonymousIds, consentHistory, events] = await Promise.all([
      this.customers.anonymousIds(customer.id),
      this.customers.consentHistory(customer.id),
      this.events.listForCustomer(customer.id),
    ]);
    const ref: CustomerRef = { externalId, anonymousIds };
    const related: Record<string, unknown> = {};
    for (const holder of this.holders.values()) related[holder.name] = await holder.export(ref);
    return {
      exportedAt: new Date().toISOString(),
      customer: mapCustomer(customer),
      anonymousIds,
      consentHistory: consentHistory.map(mapConsentChange),
      events: events.map(mapCustomerEvent),
      related,
    };
  }

  /** Erases the customer; erasing an erased customer again changes nothing. */
  async erase(auth: AuthenticatedKey, externalId: string): Promise<void> {
    const customer = await this.customers.findByExternalId(externalId);
    if (customer) {
      const ref: CustomerRef = { externalId, anonymousIds: await this.customers.anonymousIds(customer.id) };
      for (const holder of this.holders.values()) await holder.erase(ref);
    }
    const result = await this.customers.erase(externalId, auth.id);
    if (result === 'not-found') throw notFound(externalId);
    // The log keeps who erased, and that an erasure happened, not whom.
    if (result === 'erased') this.logger.log(`a customer was erased by API key ${auth.id} (${auth.name})`);
  }
}

function notFound(externalId: string): NotFoundException {
  return new NotFoundException(`Expected the external id of a customer, found no customer ${externalId}`);
}
