// Child: the fake AMI server with `<endpoints>` endpoints (2 contacts each) that, once a client
// has logged in and had time to sync, writes `<count>` planned events at `<rate>` per second
// and reports the wall-clock time each was written (performance.timeOrigin + now(): the same
// clock in every process of this machine).
import { report } from '../lib/child';
import { renderEvent } from '../lib/event-plan';
import { BENCH_AMI_SECRET, startFakeAmi } from '../lib/fake-ami';
import { generateListAnswers } from '../lib/pjsip-lists';

/** Time the client gets after its login to sync before the first event. */
const SYNC_GRACE_MS = 3_000;

const [endpoints, rate, count] = process.argv.slice(2).map(Number) as [number, number, number];
const ami = await startFakeAmi(generateListAnswers(endpoints, 2, Math.floor(Date.now() / 1000) + 3600), BENCH_AMI_SECRET);
report({ port: ami.port });
process.on('SIGTERM', () => void ami.close().then(() => process.exit(0)));

while (ami.sessions === 0) await new Promise((resolve) => setTimeout(resolve, 50));
await new Promise((resolve) => setTimeout(resolve, SYNC_GRACE_MS));
const sentAt: number[] = [];
const started = performance.now();
await new Promise<void>((done) => {
  const timer = setInterval(() => {
    const due = Math.min(count, Math.floor(((performance.now() - started) * rate) / 1000) + 1);
    while (sentAt.length < due) {
      const text = renderEvent(sentAt.length, endpoints);
      sentAt.push(performance.timeOrigin + performance.now());
      ami.broadcast(text);
    }
    if (sentAt.length === count) {
      clearInterval(timer);
      done();
    }
  }, 1);
});
report({ sentAt });
