/**
 * The shell blocks of docs/*.md: each follows a marker line. `<!-- run -->` blocks run line by line from a copy of
 * examples/ with `homeshift` being the built command and a throw-away HOME holding a key pair; a line's `# exit N` comment names the
 * exit code it must end with (else 0). `<!-- not run: WHY -->` blocks need what a test here cannot start quickly.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { REPO_ROOT } from '../config/helpers.js';
import { BIN } from '../cli/run-cli.js';
import { generateEd25519 } from '../../src/transport/key-pair.js';

const DOCS = path.join(REPO_ROOT, 'docs');
const FENCE = /^```sh\s*$/;

interface ShellBlock { page: string; line: number; marker: string | null; commands: { line: number; text: string; exit: number }[] }

/** Every ```sh block of a page with the marker line above it (blank lines between are allowed). */
export function shellBlocks(page: string, text: string): ShellBlock[] {
  const lines = text.split('\n');
  const out: ShellBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!FENCE.test(lines[i])) continue;
    let above = i - 1;
    while (above >= 0 && lines[above].trim() === '') above--;
    const marker = above >= 0 && /^<!--\s*(run|not run:.+)\s*-->$/.test(lines[above].trim()) ? lines[above].trim() : null;
    const block: ShellBlock = { page, line: i + 1, marker, commands: [] };
    for (i++; i < lines.length && !lines[i].startsWith('```'); i++) {
      const first = i;
      let text = lines[i].trim();
      // A line ending in a backslash goes on in the next one, as in the shell.
      while (text.endsWith('\\') && i + 1 < lines.length && !lines[i + 1].startsWith('```')) text = `${text.slice(0, -1)} ${lines[++i].trim()}`;
      if (text === '' || text.startsWith('#')) continue;
      const exit = /#\s*exit\s+(\d+)\s*$/.exec(text);
      block.commands.push({ line: first + 1, text, exit: exit ? Number(exit[1]) : 0 });
    }
    out.push(block);
  }
  return out;
}

const pages = fs.readdirSync(DOCS).filter((f) => f.endsWith('.md')).sort();
const blocks = pages.flatMap((page) => shellBlocks(page, fs.readFileSync(path.join(DOCS, page), 'utf8')));
const runnable = blocks.filter((b) => b.marker === '<!-- run -->');

let work: string;
let bin: string;
beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'homeshift-docs-'));
  fs.cpSync(path.join(REPO_ROOT, 'examples'), path.join(work, 'examples'), { recursive: true, filter: (src) => !src.includes(`${path.sep}.homeshift`) });
  bin = path.join(work, 'bin');
  fs.mkdirSync(bin);
  fs.writeFileSync(path.join(bin, 'homeshift'), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`, { mode: 0o755 });
  // The control machine's key the example's homeshift.yaml names (~/.ssh/id_ed25519).
  const key = generateEd25519('docs@control');
  fs.mkdirSync(path.join(work, 'home', '.ssh'), { recursive: true, mode: 0o700 });
  fs.writeFileSync(path.join(work, 'home', '.ssh', 'id_ed25519'), key.private, { mode: 0o600 });
  fs.writeFileSync(path.join(work, 'home', '.ssh', 'id_ed25519.pub'), `${key.public}\n`);
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe('docs pages', () => {
  it('have a shell block marked run or not run, each', () => {
    expect(blocks.filter((b) => b.marker === null).map((b) => `docs/${b.page}:${b.line} has no <!-- run --> or <!-- not run: why --> line above it`)).toEqual([]);
    expect(runnable.length).toBeGreaterThan(0);
  });

  it('are listed in docs/README.md', () => {
    const index = fs.readFileSync(path.join(DOCS, 'README.md'), 'utf8');
    expect(pages.filter((p) => p !== 'README.md' && !index.includes(`](${p})`))).toEqual([]);
  });

  // One test per page, its blocks in order (a later line may use what an earlier one wrote).
  const runPages = [...new Set(runnable.map((b) => b.page))];
  it.each(runPages)('%s: its commands run against the example', async (page) => {
    for (const block of runnable.filter((b) => b.page === page)) {
      for (const cmd of block.commands) {
        const r = await execa('sh', ['-c', cmd.text], {
          cwd: path.join(work, 'examples'), reject: false, stdin: 'ignore',
          env: { PATH: `${bin}:${process.env.PATH}`, HOME: path.join(work, 'home'), NO_COLOR: '1', HOMESHIFT_JOURNAL: '' },
        });
        const where = `docs/${page}:${cmd.line} ${cmd.text}`;
        expect(`${where} -> exit ${r.exitCode}${r.exitCode === cmd.exit ? '' : `\n${r.stdout}\n${r.stderr}`}`).toBe(`${where} -> exit ${cmd.exit}`);
      }
    }
  }, 120_000);
});
