/**
 * Where a connection sends its Lever API key: https only, so the key (Basic auth on every call) never
 * crosses a network in clear. Plain http is kept for loopback, where a local test Lever listens.
 */
const LOOPBACK_HOSTS = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

export function leverBaseUrlProblem(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'Enter the API\'s base URL, starting with https://.';
  }
  if (parsed.protocol === 'https:') return undefined;
  if (parsed.protocol === 'http:' && LOOPBACK_HOSTS.test(parsed.hostname)) return undefined;
  return 'Enter the API\'s base URL, starting with https:// (http:// only on this machine, e.g. a test server on 127.0.0.1): the API key goes with every call.';
}
