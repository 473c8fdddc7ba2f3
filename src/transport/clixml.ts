/**
 * PowerShell run with redirected streams (Windows OpenSSH, -EncodedCommand) writes its error, warning,
 * verbose and progress records to stderr as CLIXML: a `#< CLIXML` line, then an `<Objs …>` document.
 * Several such blocks may follow each other, with plain lines of native tools between them.
 * decodeClixml keeps the plain text and turns every block into the messages it carries.
 */

const MARKER = '#< CLIXML';
const BLOCK_END = '</Objs>';
// a stream record: <S S="Error">text</S>; progress and information records are <Obj S="…"> and are dropped
const STREAM_RECORD = /<S S="(\w+)">([\s\S]*?)(?:<\/S>|$)/g;
const ANSI = /\x1b\[[0-9;]*[A-Za-z]/g; // PowerShell 7 colours its error view
const PREFIX: Record<string, string> = { warning: 'WARNING: ', verbose: 'VERBOSE: ', debug: 'DEBUG: ' };

/** stderr as a person reads it: CLIXML blocks replaced by their messages, everything else unchanged. */
export function decodeClixml(text: string): string {
  if (!text.includes(MARKER) && !text.includes(BLOCK_END)) return text;
  let out = '';
  let rest = text;
  // a tail cut from a longer stderr may start inside a block: its end is still recognisable
  const firstMarker = rest.indexOf(MARKER);
  const cutEnd = rest.indexOf(BLOCK_END);
  if (cutEnd >= 0 && (firstMarker < 0 || cutEnd < firstMarker) && rest.slice(0, cutEnd).includes('<S S="')) {
    out += messagesOf(rest.slice(0, cutEnd));
    rest = rest.slice(cutEnd + BLOCK_END.length).replace(/^\r?\n/, '');
  }
  for (let at = rest.indexOf(MARKER); at >= 0; at = rest.indexOf(MARKER)) {
    out += rest.slice(0, at);
    const body = rest.slice(at + MARKER.length).replace(/^[ \t]*\r?\n?[ \t]*/, '');
    if (!body.startsWith('<Objs')) {
      out += MARKER; // not a block after all: keep the text as it was
      rest = rest.slice(at + MARKER.length);
      continue;
    }
    const end = body.indexOf(BLOCK_END);
    const next = body.indexOf(MARKER);
    const stop = end >= 0 && (next < 0 || end < next) ? end : next >= 0 ? next : body.length; // a truncated block ends where the next begins
    out = joinLine(out, messagesOf(body.slice(0, stop)));
    rest = body.slice(stop === end ? end + BLOCK_END.length : stop).replace(/^\r?\n/, '');
  }
  return out + rest;
}

function joinLine(before: string, messages: string): string {
  if (messages === '') return before;
  return before === '' || before.endsWith('\n') ? before + messages : `${before}\n${messages}`;
}

/** The stream records of one (possibly truncated) block as text lines, ending in a newline. */
function messagesOf(block: string): string {
  let text = '';
  for (const [, stream, raw] of block.matchAll(STREAM_RECORD)) {
    const kind = stream.toLowerCase();
    const message = unescapePowerShell(unescapeXml(raw)).replace(ANSI, '');
    text += (PREFIX[kind] ?? '') + message;
  }
  text = text.replace(/\r\n?/g, '\n');
  return text === '' || text.endsWith('\n') ? text : `${text}\n`;
}

function unescapeXml(text: string): string {
  return text.replace(/&(lt|gt|amp|quot|apos|#x[0-9A-Fa-f]+|#\d+);/g, (_, name: string) => {
    if (name === 'lt') return '<';
    if (name === 'gt') return '>';
    if (name === 'amp') return '&';
    if (name === 'quot') return '"';
    if (name === 'apos') return "'";
    const code = name.startsWith('#x') ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
    return Number.isFinite(code) && code <= 0x10ffff ? String.fromCodePoint(code) : '';
  });
}

/** PowerShell's _xHHHH_ escapes: one UTF-16 code unit each, so surrogate pairs come as two in a row. */
function unescapePowerShell(text: string): string {
  return text.replace(/_x([0-9A-Fa-f]{4})_/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}
