// The Sandbox PBX passing for Asterisk 20 and 23 against the sessions recorded from real
// 20.20.1 and 23.4.1: phone1 registered twice, then refused a third time (see conformance-replay.ts).
import { refusalTranscript } from '../../../support/recorded-versions';
import { describeReplays } from './conformance-replay';

describeReplays('AMI conformance with the Asterisk 20.20.1 and 23.4.1 recordings (sipp phones)', [
  // Fresh ports: these recordings used phone1's 5071-5073 as transcript a does, which runs beside.
  { name: refusalTranscript('20.20.1'), asterisk: '20', phonePorts: 'fresh' },
  { name: refusalTranscript('23.4.1'), asterisk: '23', phonePorts: 'fresh' },
]);
