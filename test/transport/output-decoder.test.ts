import { createOutputDecoder, decodeOutput, decodeTailBytes } from '../../src/transport/output-decoder.js';

const bytes = (...parts: (string | number[])[]) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))));

describe('decodeOutput', () => {
  it('decodes valid UTF-8 as UTF-8', () => {
    expect(decodeOutput(Buffer.from('Zugriff für Jürgen Groß: 5 €\n', 'utf8'))).toBe('Zugriff für Jürgen Groß: 5 €\n');
  });

  it('reads German console output in cp850 (ü = 0x81, ä = 0x84, ß = 0xE1, Ö = 0x99)', () => {
    const text = bytes('Zugriff verweigert: Datei f', [0x81], 'r M', [0x84], 'rz, Stra', [0xe1], 'e, ', [0x99], 'l\r\n');
    expect(decodeOutput(text)).toBe('Zugriff verweigert: Datei für März, Straße, Öl\r\n');
  });

  it('reads ANSI output in cp1252 (ü = 0xFC, ä = 0xE4, ß = 0xDF, Ä = 0xC4)', () => {
    const text = bytes('Der Zugriff wurde verweigert: f', [0xfc], 'r J', [0xe4], 'ger, Gro', [0xdf], 'e, ', [0xc4], 'nderung\n');
    expect(decodeOutput(text)).toBe('Der Zugriff wurde verweigert: für Jäger, Große, Änderung\n');
  });

  it('decides per line: a UTF-8 line stays UTF-8 next to a cp850 line, and nothing becomes U+FFFD', () => {
    const text = Buffer.concat([Buffer.from('Schlüssel gesetzt\n', 'utf8'), bytes('Zugriff verweigert f', [0x81], 'r C:\\Users\n')]);
    const decoded = decodeOutput(text);
    expect(decoded).toBe('Schlüssel gesetzt\nZugriff verweigert für C:\\Users\n');
    expect(decoded).not.toContain('\ufffd');
  });

  it('never throws on arbitrary bytes', () => {
    const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    expect(typeof decodeOutput(all)).toBe('string');
    expect(decodeOutput(Buffer.alloc(0))).toBe('');
  });

  it('drops a character cut off at the start of a tail instead of misreading the whole line', () => {
    const whole = Buffer.from('ümlaut am Anfang\n', 'utf8');
    expect(decodeTailBytes(whole.subarray(1))).toBe('mlaut am Anfang\n');
  });
});

describe('createOutputDecoder', () => {
  const feed = (chunks: Buffer[]) => {
    const decoder = createOutputDecoder();
    return chunks.map((c) => decoder.write(c)).join('') + decoder.end();
  };

  it('decodes a multi-byte character split between two packets', () => {
    const text = Buffer.from('Grüße aus Brühl 😀\n', 'utf8');
    for (let cut = 1; cut < text.length; cut++) {
      expect(feed([text.subarray(0, cut), text.subarray(cut)])).toBe('Grüße aus Brühl 😀\n');
    }
    const oneByOne = Array.from(text, (b) => Buffer.from([b]));
    expect(feed(oneByOne)).toBe('Grüße aus Brühl 😀\n');
  });

  it('hands out whole lines as they complete, the unfinished last line at the end', () => {
    const decoder = createOutputDecoder();
    expect(decoder.write(Buffer.from('one\ntw'))).toBe('one\n');
    expect(decoder.write(Buffer.from('o\nthr'))).toBe('two\n');
    expect(decoder.end()).toBe('thr');
  });

  it('decodes a cp850 line split between packets', () => {
    const line = bytes('Zugriff verweigert f', [0x81], 'r J', [0x81], 'rgen\n');
    expect(feed([line.subarray(0, 21), line.subarray(21)])).toBe('Zugriff verweigert für Jürgen\n');
  });

  it('decodes a very long line without a newline in pieces, keeping characters whole', () => {
    const text = Buffer.from('ä'.repeat(50_000), 'utf8');
    const chunks = [text.subarray(0, 33_333), text.subarray(33_333, 77_777), text.subarray(77_777)];
    expect(feed(chunks)).toBe('ä'.repeat(50_000));
  });
});
