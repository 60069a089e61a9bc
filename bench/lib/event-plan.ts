// The live events the event-path and many-PBX benchmarks write to AMI: event i is a FailedACL
// (max_contacts refusal) on one half of the endpoints or a ContactStatus flipping a contact
// between Reachable and Unreachable on the other half, in the recorded wire format. Each
// changes exactly one endpoint row, so the n-th row change of an endpoint is its n-th event.
import { contactUri, endpointName, first, recordedBlocks, renderBlock, viaAddr } from './pjsip-lists';

export interface PlannedEvent {
  endpoint: string;
  kind: 'refused' | 'contactStatus';
  /** 1-based: the how-many-th event of this endpoint. */
  seq: number;
}

/** Event i of a run over `endpoints` endpoints (even i: refusal, odd i: contact status). */
export function planEvent(i: number, endpoints: number): PlannedEvent {
  const half = Math.floor(endpoints / 2);
  const slot = Math.floor(i / 2);
  const index = (slot % half) + 1 + (i % 2 === 0 ? 0 : half);
  return { endpoint: endpointName(index), kind: i % 2 === 0 ? 'refused' : 'contactStatus', seq: Math.floor(slot / half) + 1 };
}

/** The key a listener rebuilds from the n-th row change of an endpoint. */
export function eventKey(endpoint: string, seq: number): string {
  return `${endpoint}#${seq}`;
}

const failedAcl = first(recordedBlocks('b_phone1_third_contact_max_contacts.txt'), 'Event', 'FailedACL');
const contactStatus = first(recordedBlocks('e_phone3_qualify.txt'), 'ContactStatus', 'Reachable');

/** Event i as AMI wire text. */
export function renderEvent(i: number, endpoints: number): string {
  const e = planEvent(i, endpoints);
  const index = Number(e.endpoint.slice(2));
  if (e.kind === 'refused') {
    return renderBlock(failedAcl, {
      EventTV: new Date().toISOString().replace('Z', '+0000'),
      AccountID: e.endpoint,
      SessionID: `refused-${i}@${viaAddr(index)}`,
      RemoteAddress: `IPV4/UDP/${viaAddr(index)}/5099`,
    });
  }
  const reachable = e.seq % 2 === 1;
  return renderBlock(contactStatus, {
    URI: contactUri(index, 1),
    ContactStatus: reachable ? 'Reachable' : 'Unreachable',
    AOR: e.endpoint,
    EndpointName: e.endpoint,
    RoundtripUsec: reachable ? '1234' : '0',
  });
}
