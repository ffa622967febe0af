// Writes a generic/v1 policy of N rules that looks like an enterprise egress policy: mostly internal
// server-to-server rules, SaaS allows to public addresses and names, a blocklist of public addresses, and
// the rules that let clients out at the very end, so every flow walks the whole rule list.
import { writeFileSync } from 'node:fs';

function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export function generateGenericPolicy(path, n, seed = 42) {
  const rand = rng(seed);
  const int = (k) => Math.floor(rand() * k);
  const internal = () => `10.${int(256)}.${int(256)}.0/24`;
  const client = () => `10.20.${int(256)}.0/24`;
  const publicIp = () => `${[20, 40, 52, 104, 151][int(5)]}.${int(256)}.${int(256)}.${1 + int(254)}`;
  const port = () => [22, 80, 443, 1433, 3306, 5432, 8080, 8443, 9000 + int(1000)][int(9)];
  const out = ['format: generic/v1', 'name: generated benchmark policy', 'default: deny', 'rules:'];
  const body = n - 4;
  for (let i = 0; i < body; i++) {
    const x = rand();
    let action = 'allow';
    let src = internal();
    let dst;
    let svc = `tcp/${port()}`;
    if (x < 0.7) dst = internal();
    else if (x < 0.8) {
      dst = internal();
      svc = 'any';
    } else if (x < 0.9) {
      src = client();
      dst = publicIp();
      svc = 'tcp/443';
    } else if (x < 0.95) {
      src = client();
      dst = `app${i}.saas${int(50)}.example.com`;
      svc = 'tcp/443';
    } else {
      action = 'deny';
      src = client();
      dst = publicIp();
      svc = 'any';
    }
    out.push(
      `  - name: r${i}`,
      `    action: ${action}`,
      `    sources: [${src}]`,
      `    destinations: [${dst}]`,
      `    services: [${svc}]`,
    );
  }
  const tail = [
    ['clients-web', 'tcp/443'],
    ['clients-media', 'tcp/3478, udp/3478, tcp/8089, udp/8089, tcp/5349, udp/5349'],
    ['clients-dns', 'udp/53, tcp/53'],
    ['clients-other', 'tcp/80'],
  ];
  for (const [name, svc] of tail) {
    out.push(
      `  - name: ${name}`,
      '    action: allow',
      '    sources: [10.20.0.0/16]',
      '    destinations: [any]',
      `    services: [${svc}]`,
    );
  }
  writeFileSync(path, `${out.join('\n')}\n`);
}
