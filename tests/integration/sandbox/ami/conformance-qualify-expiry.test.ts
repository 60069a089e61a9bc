// The Sandbox PBX against recording c4 (see conformance-replay.ts): two contacts, one of them
// qualified every 10 s, deleted from the AstDB with DBDel as soon as they register, then 95 s of
// waiting past their 60 s expiry. Asterisk never reports them removed; the qualified one, a
// "qualify ghost" (FACTS.md), is only reported Unreachable. Qualify runs on real time, so the
// replay takes the recording's 95 s; it has this file to itself so that vitest runs it beside
// the other replays, and fresh phone ports, since those prefer the same recorded ones.
import { describeReplays } from './conformance-replay';

describeReplays('AMI conformance: contacts deleted with DBDel, one of them qualified, past their expiry', [
  { name: 'c4_dbdel_then_expiry_time.txt', timeoutMs: 180_000, phonePorts: 'fresh' },
]);
