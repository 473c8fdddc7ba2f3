/** Lab-wide counters, kept in the memory of the serving process. */
export interface LabCounters {
  connections: number; // TCP connections accepted, all PCs
  active: number; // open right now
  execs: number;
  fileSessions: number; // SFTP sessions (push sources' files)
  activeExecs: number;
  authFailures: number;
  delayed: number; // connections held back by the slow fault
  drops: number;
  hangs: number;
  healed: number; // PCs whose fault has healed
  unanswered: number; // connections to switched-off PCs, held and never answered
}

export function createCounters(): LabCounters {
  return { connections: 0, active: 0, execs: 0, fileSessions: 0, activeExecs: 0, authFailures: 0, delayed: 0, drops: 0, hangs: 0, healed: 0, unanswered: 0 };
}
