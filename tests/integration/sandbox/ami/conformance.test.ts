// The Sandbox PBX against the Asterisk 22.10.1 recordings (see conformance-replay.ts). Not
// replayed: c2, an Asterisk restart and module reloads, which the sandbox does not do.
import { describeReplays } from './conformance-replay';

describeReplays('AMI conformance with Asterisk 22.10.1 recordings (sipp phones)', [
  { name: 'a_phone1_two_contacts_queries.txt' },
  { name: 'b_phone1_third_contact_max_contacts.txt' },
  { name: 'c_dbdel_contact.txt' },
  { name: 'd_phone2_remove_existing.txt' },
  { name: 'e_phone3_qualify.txt' },
  { name: 'f_short_expiry.txt', timeScale: 5 },
  { name: 'g_unregister.txt' },
  { name: 'h_login_failures_unknown_action.txt' },
]);
