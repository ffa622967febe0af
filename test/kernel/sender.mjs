// Runs inside the client namespace (`ip netns exec CLIENT node sender.mjs`). Reads one JSON batch of flows
// per stdin line, sends the first packet of each (a TCP SYN by connect(), one UDP datagram) from the given
// source address and port, and answers one JSON line once every packet has left. Plain JS: Node runs it
// without the test runner's TypeScript transform.
import { Buffer } from 'node:buffer';
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { createInterface } from 'node:readline';
import { setImmediate } from 'node:timers';

let open = [];

function closeAll() {
  for (const s of open) {
    try {
      if (typeof s.destroy === 'function') s.destroy();
      else s.close();
    } catch {
      // already closed
    }
  }
  open = [];
}

function sendTcp(f) {
  return new Promise((resolve) => {
    const s = connect({ host: f.dst, port: f.port, localAddress: f.src, localPort: f.sport });
    open.push(s);
    // A reset or an ICMP error from the router may come back (ECONNREFUSED, EHOSTUNREACH): the caller
    // tells those from a failure to send; the kernel's answer itself is read on the server.
    let error = null;
    s.on('error', (e) => (error ??= e.code ?? String(e)));
    // connect() runs on the next tick; the SYN leaves inside that system call.
    setImmediate(() => resolve(error));
  });
}

function sendUdp(f) {
  return new Promise((resolve) => {
    const s = createSocket(f.family === 'ipv6' ? 'udp6' : 'udp4');
    open.push(s);
    s.on('error', (e) => resolve(e.code ?? String(e)));
    s.bind({ address: f.src, port: f.sport, exclusive: true }, () => {
      s.send(Buffer.from('probe'), f.port, f.dst, (e) => resolve(e ? (e.code ?? String(e)) : null));
    });
  });
}

const lines = createInterface({ input: process.stdin });
lines.on('line', async (line) => {
  closeAll();
  const { flows } = JSON.parse(line);
  const errors = [];
  for (const f of flows) {
    const e = await (f.proto === 'tcp' ? sendTcp(f) : sendUdp(f));
    if (e) errors.push(`${f.src}:${f.sport} -> ${f.dst}:${f.port}/${f.proto}: ${e}`);
  }
  process.stdout.write(JSON.stringify({ sent: flows.length, errors }) + '\n');
});
lines.on('close', () => {
  closeAll();
  process.exit(0);
});
