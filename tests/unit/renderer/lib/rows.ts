import type { EndpointRow } from '../../../../src-main/core/types';

/** An endpoint-table row with quiet defaults; tests set only what they are about. */
export function row(endpoint: string, overrides: Partial<EndpointRow> = {}): EndpointRow {
  return {
    endpoint,
    aors: [endpoint],
    contacts: 0,
    maxContacts: 1,
    removeExisting: false,
    removeUnavailable: false,
    worstStatus: null,
    newestUserAgent: null,
    atLimit: false,
    staleContacts: 0,
    refusals: 0,
    ...overrides,
  };
}
