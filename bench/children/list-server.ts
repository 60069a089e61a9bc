// Child: the fake AMI server with PJSIP lists for `<endpoints>` endpoints of `<contactsPerAor>`
// contacts each, generated before it reports ready (so generation is not timed).
import { report } from '../lib/child';
import { BENCH_AMI_SECRET, startFakeAmi } from '../lib/fake-ami';
import { generateListAnswers } from '../lib/pjsip-lists';

const [endpoints = '10000', contactsPerAor = '2'] = process.argv.slice(2);
const lists = generateListAnswers(Number(endpoints), Number(contactsPerAor), Math.floor(Date.now() / 1000) + 3600);
const ami = await startFakeAmi(lists, BENCH_AMI_SECRET);
report({ port: ami.port, items: lists.items });
process.on('SIGTERM', () => void ami.close().then(() => process.exit(0)));
