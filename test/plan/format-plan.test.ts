import { buildPlan } from '../../src/plan/build-plan.js';
import { formatPlanJson, formatPlanText } from '../../src/plan/format-plan.js';
import { buildFixtureProject } from './fixture.js';

const plan = buildPlan(buildFixtureProject());

describe('formatPlanText', () => {
  it('summarises and lists every machine without colour', () => {
    const text = formatPlanText(plan, { color: false });
    expect(text).toContain('Plan service-center  4 machine(s), 33 step(s)');
    expect(text).toContain('  by site     bruehl 2, koeln 2');
    expect(text).toContain('BRU-D0002  windows  site bruehl  bru-d0002.bruehl.example-telco.de:22  profile home-office-base > hotline-agent > team-lead');
    expect(text).toContain('  mailbox   personal tina.mueller@example-telco.de; shared hotline-bruehl@example-telco.de, team-bruehl@example-telco.de (thunderbird)');
    expect(text).toContain('bundles   office-base 2024.2 (firefox-esr 128.3.1, libreoffice 7.6.7.2, thunderbird 128.3.1, 7zip 24.08)');
    expect(text).toMatch(/ 1\. check:disk-encryption\s+Disk is encrypted \[check only, 300s\]/);
    expect(text).not.toContain('\u001b[');
    expect(text).not.toContain('Prelude');
  });
  it('shows one machine with its preludes and files, secrets as placeholders', () => {
    const text = formatPlanText(plan, { machine: 'BRU-D0001', color: true });
    expect(text).not.toContain('BRU-D0002  windows');
    expect(text).toContain("HS_EMPLOYEE_MAILBOX='tina.mueller@example-telco.de'");
    expect(text).toContain("HS_SECRET_VPN_PSK='@@HS_SECRET:vpnPsk@@'");
    expect(text).toContain('  | password=@@HS_SECRET:vpnPsk@@');
    expect(formatPlanText(plan, { machine: 'BRU-D0002', color: false })).toContain("$HS_VPN_GATEWAY = 'vpn-bruehl.example-telco.de'");
    expect(formatPlanText(plan, { machine: 'NOPE', color: false })).toContain('machine NOPE is not in this plan');
  });
});

describe('formatPlanJson', () => {
  it('round-trips', () => {
    expect(JSON.parse(formatPlanJson(plan))).toEqual(JSON.parse(JSON.stringify(plan)));
  });
});
