import type { Rule } from '../rule.js';
import { invalidEmail, invalidHost, unknownEmployeeRole, unknownEmployeeSite } from './address-rules.js';
import { duplicateEmployeeId, duplicateMailbox, employeeIdPattern, mixedScript } from './employee-rules.js';
import { mailboxDomainNotAllowed, malformedMailbox, sharedMailboxIsPersonal } from './mailbox-rules.js';
import { duplicateHost, duplicateMachineId, employeeOnTwoMachines, roleMismatch, siteMismatch, unknownProfile, unknownSite, unknownUser } from './machine-rules.js';
import { profileExtendsCycle, profileExtendsUnknown, unknownBundle, unknownSecret } from './profile-rules.js';
import { powershell51Syntax } from './powershell-syntax.js';
import { bundleOsUnsupported, unknownTemplate } from './usage-rules.js';
import { bundleWindowsInstall, exeDetectRule, installerText, installerVersion } from './windows-installer-rules.js';
import { bundleLinuxInstall } from './linux-installer-rules.js';
import { installerPlainHttp, installerSecondHop, installerSource } from './package-source-rules.js';

/** Every validate rule, in the order they are documented. */
export const RULES: readonly Rule[] = [
  duplicateMachineId, duplicateHost, invalidHost, unknownSite, unknownProfile,
  profileExtendsUnknown, profileExtendsCycle, unknownBundle, bundleOsUnsupported, unknownTemplate,
  unknownUser, employeeOnTwoMachines, duplicateEmployeeId, employeeIdPattern, duplicateMailbox, malformedMailbox, mailboxDomainNotAllowed,
  sharedMailboxIsPersonal, mixedScript, unknownEmployeeSite, unknownEmployeeRole, invalidEmail,
  siteMismatch, unknownSecret, roleMismatch, powershell51Syntax,
  bundleWindowsInstall, installerVersion, exeDetectRule, installerText, bundleLinuxInstall, installerSource, installerSecondHop, installerPlainHttp,
];

/** The rules that start no other process (all but the PowerShell parser): what status checks before it trusts the inventory. */
export const IN_PROCESS_RULES: readonly Rule[] = RULES.filter((rule) => rule !== powershell51Syntax);
