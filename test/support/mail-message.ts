/** A raw RFC 5322 message as tests read it: unfolded headers (every occurrence) and the decoded text body. */
export interface ReadMessage {
  raw: string;
  headers: [string, string][];
  header(name: string): string[];
  text: string;
}

function decodeQuotedPrintable(body: string): string {
  const bytes: number[] = [];
  const soft = body.replace(/=\r?\n/g, '');
  for (let i = 0; i < soft.length; i++) {
    if (soft[i] === '=' && /^[0-9A-F]{2}$/i.test(soft.slice(i + 1, i + 3))) {
      bytes.push(parseInt(soft.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(soft[i], 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

export function readMessage(raw: Buffer | string): ReadMessage {
  const text = String(raw);
  const split = text.indexOf('\r\n\r\n');
  const head = text.slice(0, split);
  const body = text.slice(split + 4);
  const headers: [string, string][] = head.replace(/\r\n[ \t]+/g, ' ').split('\r\n').map((line) => {
    const colon = line.indexOf(':');
    return [line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim()];
  });
  const encoding = headers.find(([k]) => k === 'content-transfer-encoding')?.[1].toLowerCase();
  const decoded = encoding === 'quoted-printable' ? decodeQuotedPrintable(body) : encoding === 'base64' ? Buffer.from(body, 'base64').toString('utf8') : body;
  return { raw: text, headers, header: (name) => headers.filter(([k]) => k === name.toLowerCase()).map(([, v]) => v), text: decoded.replace(/\r\n/g, '\n') };
}
