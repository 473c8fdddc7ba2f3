import { accessSync, constants } from 'node:fs';

/**
 * curl for a Linux lab PC on a control machine that has none: a Node script that really fetches the bytes over HTTP,
 * with the part of curl's command line and exit codes the bundle step uses (-f -s -S -L --connect-timeout N -C - -o FILE
 * URL; 7 no connection, 18 a transfer cut short, 22 an HTTP error, 33 a server that does not resume). Where the machine
 * has curl, the lab PCs use that one.
 */
const SIM_CURL_SCRIPT = `// homeshift lab: curl for a PC on a machine without one (see sim-curl.ts)
(async () => {
  const http = await import('node:http');
  const https = await import('node:https');
  const fs = await import('node:fs');
  const die = (code, message) => { process.stderr.write('curl: (' + code + ') ' + message + '\\n'); process.exit(code); };
  const args = process.argv.slice(2);
  let out = null, url = null, resume = false, fail = false, follow = false, timeout = 0;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '-o' || a === '--output') out = args[++i];
    else if (a === '-C' || a === '--continue-at') { if (args[++i] !== '-') die(2, 'the lab curl resumes with -C - only'); resume = true; }
    else if (a === '--connect-timeout') timeout = Number(args[++i]) * 1000;
    else if (/^-[a-zA-Z]+$/.test(a)) { fail ||= a.includes('f'); follow ||= a.includes('L'); }
    else if (a.startsWith('-')) die(2, 'option ' + a + ': the lab curl does not know it');
    else url = a;
  }
  if (!url || !out) die(2, 'the lab curl needs -o FILE and a URL');
  const offset = resume && fs.existsSync(out) ? fs.statSync(out).size : 0;
  const get = (address, hops) => {
    const lib = address.startsWith('https:') ? https : http;
    const req = lib.get(address, { headers: offset > 0 ? { range: 'bytes=' + offset + '-' } : {} }, (res) => {
      const status = res.statusCode ?? 0;
      if (follow && status >= 300 && status < 400 && res.headers.location && hops < 50) { res.resume(); get(new URL(res.headers.location, address).href, hops + 1); return; }
      if (offset > 0 && status === 416 && !fail) { res.resume(); process.exit(0); }
      if (fail && status >= 400) die(22, 'The requested URL returned error: ' + status);
      if (offset > 0 && status !== 206) die(33, "HTTP server doesn't seem to support byte ranges. Cannot resume.");
      const want = Number(res.headers['content-length'] ?? -1);
      let got = 0;
      const file = fs.createWriteStream(out, { flags: offset > 0 ? 'a' : 'w' });
      res.on('data', (chunk) => { got += chunk.length; file.write(chunk); });
      res.on('error', () => undefined);
      res.on('close', () => file.end(() => {
        if (want >= 0 && got < want) die(18, 'transfer closed with ' + (want - got) + ' bytes remaining to read');
        process.exit(0);
      }));
    });
    if (timeout > 0) req.setTimeout(timeout, () => req.destroy(new Error('Connection timed out')));
    req.on('error', (err) => die(7, 'Failed to connect: ' + err.message));
  };
  get(url, 0);
})();
`;

function hasCurl(dirs: string[]): boolean {
  return dirs.some((dir) => {
    try {
      accessSync(`${dir}/curl`, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** The lab's curl for the PCs' tool folder, or null when the control machine has curl in the PCs' PATH. */
export function simCurl(pathDirs = ['/usr/local/bin', '/usr/bin', '/bin']): string | null {
  if (hasCurl(pathDirs)) return null;
  return `#!${process.execPath}\n${SIM_CURL_SCRIPT}`;
}
