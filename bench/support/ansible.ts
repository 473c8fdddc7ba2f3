/** The same work as an Ansible playbook (4 tasks, forks 50, pipelining on), for the comparison bench/rollout prints. */
import { execa } from 'execa';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { stringify } from 'yaml';
import type { Plan } from '../../src/model/plan.js';
import { SECRET_PLACEHOLDER_RE } from '../../src/model/plan.js';
import type { Sshd } from '../../test/support/sshd.js';
import { SECRETS } from './fleet.js';

const PLAYBOOK = [
  {
    name: 'home office',
    hosts: 'all',
    gather_facts: false,
    tasks: [
      { name: 'data-protection checks', 'ansible.builtin.shell': 'grep -q luks {{ root }}/etc/crypttab && ! find {{ root }}/home -name "*customer*.csv" | grep -q .', changed_when: false },
      { name: 'folders', 'ansible.builtin.file': { path: '{{ root }}/{{ item }}', state: 'directory' }, loop: '{{ dirs }}' },
      { name: 'VPN, screen lock and mailbox files', 'ansible.builtin.copy': { content: '{{ item.content }}', dest: '{{ root }}/{{ item.path }}', mode: '{{ item.mode }}' }, loop: '{{ files }}' },
      { name: 'bundles', 'ansible.builtin.shell': 'PATH={{ root }}/.sim/bin:$PATH; dpkg-query -W {{ item.name }} || apt-get install -y {{ item.name }}={{ item.version }}', loop: '{{ packages }}' },
    ],
  },
];

/** Where ansible_mitogen's strategy plugins are, when Mitogen is installed for the python3 Ansible runs on. */
export async function findMitogenStrategies(): Promise<string | undefined> {
  const code = 'import ansible_mitogen, os; print(os.path.join(os.path.dirname(ansible_mitogen.__file__), "plugins", "strategy"))';
  const r = await execa('python3', ['-c', code], { reject: false });
  return r.exitCode === 0 && String(r.stdout).trim() ? String(r.stdout).trim() : undefined;
}

/**
 * The playbook, its inventory and ansible.cfg in `dir`. The stdout callback is ansible-core's own `default`
 * (ok hosts not printed): ansible-core ships no `dense`. With `mitogenStrategies`, the run uses Mitogen's
 * `mitogen_linear` strategy.
 */
export async function writeAnsible(dir: string, plan: Plan, sshd: Sshd, user: string, mitogenStrategies?: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const hosts: Record<string, unknown> = {};
  for (const m of plan.machines) {
    const files = m.steps.flatMap((s) => s.files).map((f) => ({ path: f.path, mode: f.mode, content: f.content.replace(SECRET_PLACEHOLDER_RE, (_, n: string) => SECRETS[n as keyof typeof SECRETS] ?? '') }));
    hosts[m.machine.id] = {
      root: m.root,
      dirs: [...new Set(files.map((f) => dirname(f.path)))],
      files,
      packages: m.bundles.flatMap((b) => b.packages).map((p) => ({ name: p.name.toLowerCase().replace(/[^a-z0-9.+-]/g, '-'), version: p.version })),
    };
  }
  const inventory = {
    all: {
      vars: {
        ansible_host: '127.0.0.1', ansible_port: sshd.port, ansible_user: user, ansible_ssh_private_key_file: sshd.clientKeyFile,
        ansible_python_interpreter: '/usr/bin/python3',
        ansible_ssh_common_args: `-o UserKnownHostsFile=${sshd.knownHostsFile} -o StrictHostKeyChecking=yes`,
      },
      hosts,
    },
  };
  await writeFile(join(dir, 'inventory.yaml'), stringify(inventory));
  await writeFile(join(dir, 'playbook.yaml'), stringify(PLAYBOOK));
  const strategy = mitogenStrategies ? [`strategy_plugins = ${mitogenStrategies}`, 'strategy = mitogen_linear'] : [];
  const defaults = ['[defaults]', 'forks = 50', 'gathering = explicit', 'host_key_checking = True', 'stdout_callback = ansible.builtin.default', 'display_ok_hosts = False', 'display_skipped_hosts = False', 'retry_files_enabled = False', ...strategy];
  await writeFile(join(dir, 'ansible.cfg'), [...defaults, '', '[ssh_connection]', 'pipelining = True', ''].join('\n'));
  return dir;
}

export async function runAnsible(dir: string): Promise<{ wallMs: number; ok: boolean; tail: string }> {
  const t0 = performance.now();
  const r = await execa('ansible-playbook', ['-i', 'inventory.yaml', 'playbook.yaml'], { cwd: dir, reject: false, env: { ANSIBLE_CONFIG: join(dir, 'ansible.cfg') }, all: true });
  return { wallMs: performance.now() - t0, ok: r.exitCode === 0, tail: String(r.all ?? '').split('\n').slice(-6).join('\n') };
}
