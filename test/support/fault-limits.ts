import type { MachinePlan } from '../../src/model/index.js';
import type { Lab } from '../../src/lab/start-lab.js';

/**
 * Limits for a lab run with faults: short only where a fault is meant to hit them (the slow PC's delayed handshake,
 * the hung PC's step), generous everywhere else, so that a PC waiting its turn on a loaded machine is not
 * mistaken for a fault.
 */
export function faultLimits(lab: Lab): (m: MachinePlan) => MachinePlan {
  return (m) => {
    const kind = lab.machines.find((pc) => pc.id === m.machine.id)?.fault?.kind;
    const connectTimeout = kind === 'slow' ? 4 : 60;
    const stepTimeout = kind === 'hang' ? 4 : 120;
    return { ...m, ssh: { ...m.ssh, connectTimeout, machineTimeout: 300 }, steps: m.steps.map((s) => ({ ...s, timeout: stepTimeout })) };
  };
}
