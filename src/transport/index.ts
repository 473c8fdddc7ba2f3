export { RemoteFileError, TransportError } from './transport.js';
export type { Connection, ExecOptions, ExecResult, RemoteFiles, RemoteStat, Target, Transport } from './transport.js';
export { createSshTransport } from './ssh-transport.js';
export type { SshTransportOptions } from './ssh-transport.js';
export { createLocalTransport } from './local-transport.js';
export {
  checkHostKey,
  fingerprintKey,
  formatHostName,
  formatKnownHostsLine,
  parseKnownHosts,
} from './known-hosts.js';
export type { HostKeyVerdict, KnownHostEntry, ParsedKnownHosts } from './known-hosts.js';
export { expandHome, resolveKnownHostsFile } from './host-key-policy.js';
export { checkIdentity } from './identity-check.js';
export type { Identity } from './identity-check.js';
