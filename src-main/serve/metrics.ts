// The /metrics of `regdesk serve` through prom-client. The names are fixed (dashboards and
// alert rules rely on them: contrib/). Every scrape rebuilds the values from the fleet, so a
// PBX removed by a reload takes its series with it.
import { Counter, Gauge, Registry } from 'prom-client';
import { CONTACT_STATUSES } from '../core/aor-figures';
import type { Fleet } from './fleet';

export class FleetMetrics {
  readonly registry = new Registry();
  private readonly up = this.gauge('regdesk_pbx_up', 'Whether the AMI session to the PBX is connected and in sync (1) or not (0).', ['pbx']);
  private readonly info = this.gauge('regdesk_pbx_info', 'Always 1; the asterisk_version label is CoreSettings AsteriskVersion ("" until read).', ['pbx', 'asterisk_version']);
  private readonly reconnects = this.counter('regdesk_ami_reconnects_total', 'AMI sessions re-established (connected and synced again) after the first, since serve started.', ['pbx']);
  private readonly events = this.counter('regdesk_ami_events_total', 'AMI events received from the PBX since serve started.', ['pbx']);
  private readonly endpoints = this.gauge('regdesk_endpoints', 'PJSIP endpoints of the PBX.', ['pbx']);
  private readonly contacts = this.gauge('regdesk_contacts', 'Registered contacts by qualify status.', ['pbx', 'status']);
  private readonly aorsAtLimit = this.gauge('regdesk_aors_at_limit', 'AORs where the next new phone would be refused (contacts at max_contacts, remove_existing off).', ['pbx']);
  private readonly staleContacts = this.gauge('regdesk_stale_contacts', 'Contacts that look stuck (superseded by the same device, unreachable, expired, DBDel ghosts).', ['pbx']);
  private readonly refusals = this.counter('regdesk_registration_refusals_total', 'REGISTERs refused for exceeding max_contacts (FailedACL), since serve started.', ['pbx', 'endpoint']);
  private readonly aorContacts = this.gauge('regdesk_aor_contacts', 'Contacts of the AOR (only AORs at their limit, with a stale contact or refused in the last hour, unless --all-aors).', ['pbx', 'aor']);
  private readonly aorMax = this.gauge('regdesk_aor_max_contacts', 'max_contacts of the AOR (same AORs as regdesk_aor_contacts).', ['pbx', 'aor']);
  private readonly aorStale = this.gauge('regdesk_aor_stale_contacts', 'Stale contacts of the AOR (same AORs as regdesk_aor_contacts).', ['pbx', 'aor']);

  constructor(
    private readonly fleet: Fleet,
    private readonly allAors: () => boolean,
  ) {}

  /** The text format, for one scrape. */
  async scrape(): Promise<string> {
    this.registry.resetMetrics();
    for (const [pbx, watch] of this.fleet.watches()) {
      const f = watch.figuresNow(this.allAors());
      this.up.set({ pbx }, f.up ? 1 : 0);
      this.info.set({ pbx, asterisk_version: f.asteriskVersion }, 1);
      this.reconnects.inc({ pbx }, f.reconnects);
      this.events.inc({ pbx }, f.events);
      this.endpoints.set({ pbx }, f.endpoints);
      for (const status of CONTACT_STATUSES) this.contacts.set({ pbx, status }, f.contacts[status]);
      this.aorsAtLimit.set({ pbx }, f.aorsAtLimit);
      this.staleContacts.set({ pbx }, f.staleContacts);
      for (const [endpoint, n] of f.refusals) this.refusals.inc({ pbx, endpoint }, n);
      for (const a of f.aors) {
        this.aorContacts.set({ pbx, aor: a.aor }, a.contacts);
        this.aorMax.set({ pbx, aor: a.aor }, a.maxContacts);
        this.aorStale.set({ pbx, aor: a.aor }, a.staleContacts);
      }
    }
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  private gauge<L extends string>(name: string, help: string, labelNames: L[]): Gauge<L> {
    return new Gauge({ name, help, labelNames, registers: [this.registry] });
  }

  private counter<L extends string>(name: string, help: string, labelNames: L[]): Counter<L> {
    return new Counter({ name, help, labelNames, registers: [this.registry] });
  }
}
