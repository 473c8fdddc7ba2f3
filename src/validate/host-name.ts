import { isIP } from 'node:net';

const LABEL = /^[A-Za-z0-9-]+$/;

/**
 * What is wrong with a host name or IP address (a machine's `host`, a site's `vpnGateway`), in words; null when it is
 * a valid IPv4 or IPv6 address or a DNS host name (RFC 1123: letters, digits and dashes, labels of 1–63, 253 in all).
 */
export function explainHost(host: string): string | null {
  if (host === '') return 'is empty';
  if (isIP(host) !== 0) return null;
  if (host.includes(':')) return 'is not a valid IPv6 address';
  const labels = host.replace(/\.$/, '').split('.');
  // all-numeric dotted text is meant as an IPv4 address; a DNS name never ends in a number-only label
  if (labels.every((l) => /^\d+$/.test(l))) {
    if (labels.length !== 4) return `is not a valid IPv4 address (${labels.length} parts instead of 4)`;
    const big = labels.find((l) => Number(l) > 255);
    if (big !== undefined) return `is not a valid IPv4 address (${big} is above 255)`;
    return 'is not a valid IPv4 address (a part has a leading zero)';
  }
  if (host.length > 253) return `is ${host.length} characters long (a host name has at most 253)`;
  for (const label of labels) {
    if (label === '') return 'has an empty part (a dot at the start or two in a row)';
    if (!LABEL.test(label)) {
      const bad = [...label].find((ch) => !/[A-Za-z0-9-]/.test(ch))!;
      return `has '${bad}' in ${label} (a host name holds letters, digits, dashes and dots)`;
    }
    if (label.length > 63) return `part ${label.slice(0, 12)}… is ${label.length} characters long (at most 63)`;
    if (label.startsWith('-') || label.endsWith('-')) return `part ${label} starts or ends with a dash`;
  }
  return null;
}
