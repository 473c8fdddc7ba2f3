export { startLab, labPaths, DEFAULT_SEED, type Lab, type LabMachine, type LabStats, type StartLabOptions } from './start-lab.js';
export { labUp, labDown, labPower, labScreenLock, labLogon, labStatus, formatLabStatus, serveCommand, resolveLabDir, DEFAULT_MACHINES, DEFAULT_SITES, type LabUpOptions, type LabStatus, type LabLog } from './lab-control.js';
export { serveLab } from './serve-lab.js';
export { DEFAULT_LAB_DIR, readLabInfo, type LabInfo, type LabRequest } from './lab-files.js';
export { assignFaults, parseFaultSpec, FaultSpecError, type FaultPlan, type AssignedFault, type FaultKind, type FaultRequest } from './faults.js';
export { chooseWindowsShare, windowsCount, WindowsShareError, DEFAULT_WINDOWS_SHARE } from './windows/windows-share.js';
export { setScreenLock, type LabPc } from './screen-lock.js';
export { planPower, selectLabPcs, readPoweredOff, type PowerSchedule } from './power.js';
