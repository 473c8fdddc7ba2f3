import { resolve } from 'node:path';
import { labFile, readLabRequest, writeJsonAtomically, type LabInfo } from './lab-files.js';
import { takePowerRequests, writePowerState } from './power.js';
import { startLab, type Lab } from './start-lab.js';

const STOP_SIGNALS: NodeJS.Signals[] = ['SIGTERM', 'SIGINT', 'SIGHUP'];

/**
 * The background entry of `homeshift lab up` (`homeshift lab serve --dir DIR`): start the lab
 * that `<dir>/lab-config.json` asks for, record it in `<dir>/lab.json`, serve until a stop
 * signal, then stop every PC and every command still running on one.
 */
export async function serveLab(dir: string, options: { log?: (line: string) => void } = {}): Promise<void> {
  const log = options.log ?? (() => undefined);
  const labDir = resolve(dir);
  const request = await readLabRequest(labDir);
  let stopRequested: NodeJS.Signals | null = null;
  let wake: (() => void) | null = null;
  const onSignal = (signal: NodeJS.Signals) => {
    stopRequested = signal;
    wake?.();
  };
  for (const signal of STOP_SIGNALS) process.on(signal, onSignal);
  let lab: Lab | null = null;
  let powerWork = Promise.resolve();
  const recordPower = () => {
    powerWork = powerWork.then(() => (lab ? writePowerState(labDir, lab.poweredOff()) : undefined)).catch(() => undefined);
  };
  const onPowerRequest = () => {
    powerWork = powerWork.then(() => lab ? takePowerRequests(labDir, (r) => lab!.setPower(r.machines, r.on), () => lab!.poweredOff()) : undefined).catch(() => undefined);
  };
  process.on('SIGUSR2', onPowerRequest);
  try {
    lab = await startLab({ dir: labDir, ...request, onPowerChange: recordPower });
    await writePowerState(labDir, lab.poweredOff());
    onPowerRequest(); // requests left while the lab was starting
    if (stopRequested === null) {
      await writeJsonAtomically(labFile(labDir, 'lab.json'), describeLab(lab, request.sites));
      log(`lab serving ${lab.machines.length} PCs from ${labDir} (pid ${process.pid})`);
      await new Promise<void>((done) => {
        wake = done;
        if (stopRequested !== null) done(); // the signal came while lab.json was being written
      });
    }
    log(`lab stopping (${stopRequested})`);
  } finally {
    process.off('SIGUSR2', onPowerRequest);
    await lab?.stop();
    await powerWork;
    for (const signal of STOP_SIGNALS) process.off(signal, onSignal);
  }
}

export function describeLab(lab: Lab, sites: number): LabInfo {
  return {
    pid: process.pid,
    dir: lab.dir,
    projectDir: lab.projectDir,
    started: new Date().toISOString(),
    seed: lab.faults.seed,
    sites,
    ports: lab.machines.map((m) => m.port),
    machines: lab.machines,
    faults: lab.faults,
  };
}
