import { InputError } from '../../input/input-error.js';

const TIMEOUT_MS = 60_000;
const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MiB`;

function cause(e: unknown): string {
  // fetch() says only "fetch failed"; the reason (ECONNREFUSED, ENOTFOUND, a certificate) is its cause.
  const inner = (e as { cause?: { code?: string; message?: string } }).cause;
  if (inner?.code) return inner.message ? `${inner.code}: ${inner.message}` : inner.code;
  if (e instanceof Error && e.name === 'TimeoutError') return `no answer within ${TIMEOUT_MS / 1000} s`;
  return inner?.message ?? (e instanceof Error ? e.message : String(e));
}

/**
 * The bytes at `url`, read with Node's fetch. A failed request, a status other than 200 or a body over
 * `maxBytes` is an InputError naming the URL.
 */
export async function downloadBytes(url: URL, maxBytes: number): Promise<Uint8Array> {
  const fail = (why: string) => new InputError(url.href, undefined, `cannot be downloaded: ${why}`);
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS), redirect: 'follow' });
  } catch (e) {
    throw fail(cause(e));
  }
  if (response.status !== 200) {
    await response.body?.cancel();
    throw fail(`HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`);
  }
  const declared = Number(response.headers.get('content-length'));
  if (declared > maxBytes) {
    await response.body?.cancel();
    throw fail(`${mb(declared)}, over the ${mb(maxBytes)} input limit (raise it with --max-input-mb)`);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for await (const chunk of response.body ?? []) {
      size += chunk.length;
      if (size > maxBytes) {
        throw fail(`over the ${mb(maxBytes)} input limit (raise it with --max-input-mb)`);
      }
      chunks.push(chunk);
    }
  } catch (e) {
    throw e instanceof InputError ? e : fail(cause(e));
  }
  return Buffer.concat(chunks);
}
