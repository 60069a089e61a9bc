// A small AMI server for fault tests (127.0.0.1, port 0) that records every byte a client
// sends. It speaks just enough Asterisk 22 to bring a PbxSession live on an empty PBX: the
// banner, Login, the three PJSIPShow* lists answered as res_pjsip answers an empty PBX (errors,
// not empty lists), DBGet as for a missing key, Logoff; every other action gets the recorded
// unknown-action error.
import { createServer, type Socket } from 'node:net';
import { AmiReader } from '../../../src-main/ami/reader';

export interface RecordingAmi {
  port: number;
  /** Everything clients sent, concatenated. */
  received(): Buffer;
  close(): Promise<void>;
}

const EMPTY_LISTS: Record<string, string> = {
  pjsipshowendpoints: 'No endpoints found',
  pjsipshowaors: 'No AORs found',
  pjsipshowcontacts: 'No Contacts found',
  // main/manager.c action_dbget
  dbget: 'Database entry not found',
};

export function startRecordingAmi(secret: string): Promise<RecordingAmi> {
  const chunks: Buffer[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    const reader = new AmiReader({}, { expectBanner: false });
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      reader.feed(chunk, (out) => {
        if (out.kind !== 'message') return;
        const action = out.message.get('Action') ?? '';
        const id = out.message.actionId ?? '';
        const answer = (lines: string) => socket.write(`${lines.replace(/\n/g, '\r\n')}ActionID: ${id}\r\n\r\n`);
        const lower = action.toLowerCase();
        if (lower === 'login') {
          const ok = out.message.get('Secret') === secret;
          answer(`Response: ${ok ? 'Success' : 'Error'}\nMessage: Authentication ${ok ? 'accepted' : 'failed'}\n`);
        } else if (lower === 'logoff') {
          answer('Response: Goodbye\nMessage: Thanks for all the fish.\n');
          socket.end();
        } else if (EMPTY_LISTS[lower]) {
          answer(`Response: Error\nMessage: ${EMPTY_LISTS[lower]}\n`);
        } else {
          answer(`Response: Error\nMessage: Invalid/unknown command: ${action}. Use Action: ListCommands to show available commands.\n`);
        }
      });
    });
    socket.write('Asterisk Call Manager/11.0.0\r\n');
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') throw new Error('recording AMI: no TCP address');
      resolve({
        port: address.port,
        received: () => Buffer.concat(chunks),
        close: () =>
          new Promise<void>((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}
