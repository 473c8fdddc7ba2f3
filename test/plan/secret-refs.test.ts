import { buildPlan } from '../../src/plan/build-plan.js';
import { findTemplateErrors } from '../../src/plan/template-errors.js';
import { fillSecrets, MissingSecretError } from '../../src/shell/secrets.js';
import { buildFixtureProject } from './fixture.js';

const SECRETS = { vpnPsk: 'PSK-VALUE', enrolmentToken: 'TOKEN-VALUE' };

describe('secrets stand only where a template asked for them', () => {
  it('fills the recorded places and leaves look-alike text from values alone', () => {
    const project = buildFixtureProject();
    const tina = project.employees.get('e100001')!;
    tina.firstName = '@@HS_SECRET:vpnPsk@@';
    tina.lastName = '@@HS_SECRET:enrolmentToken@@';
    const plan = buildPlan(project, { machines: [project.machines[0]] });
    const files = plan.machines[0].steps.flatMap((s) => s.files.map((f) => ({ step: s.id, file: f })));
    const filled = files.map(({ step, file }) => [file.path, fillSecrets(file, SECRETS, step)]);
    const holding = (value: string) => filled.filter(([, text]) => text.includes(value)).map(([path]) => path);
    expect(holding('PSK-VALUE')).toEqual(['etc/NetworkManager/system-connections/homeshift-vpn.nmconnection']);
    expect(holding('TOKEN-VALUE')).toEqual([]);
    const mailbox = filled.find(([path]) => path === 'etc/homeshift/mailbox.json')![1];
    expect(mailbox).toContain('@@HS_SECRET:vpnPsk@@ @@HS_SECRET:enrolmentToken@@');
    expect(plan.machines[0].steps.find((s) => s.id === 'mailbox')!.secrets).toEqual([]);
  });

  it('refuses a recorded place that does not hold its placeholder, and a secret without a value', () => {
    expect(() => fillSecrets({ content: 'x', secrets: [{ name: 'vpnPsk', at: 0 }] }, SECRETS, 'vpn')).toThrow(/not where the plan says/);
    expect(() => fillSecrets({ content: '@@HS_SECRET:other@@', secrets: [{ name: 'other', at: 0 }] }, SECRETS, 'vpn')).toThrow(MissingSecretError);
    expect(fillSecrets({ content: '@@HS_SECRET:vpnPsk@@' }, SECRETS, 'vpn')).toBe('@@HS_SECRET:vpnPsk@@');
  });

  it('reports a template secret its step does not list, and one homeshift.yaml does not declare', () => {
    const project = buildFixtureProject();
    const mailbox = project.templates.get('linux/mailbox.json.hbs')!;
    project.templates.set('linux/mailbox.json.hbs', { ...mailbox, text: `${mailbox.text}{{secret "vpnPsk"}}` });
    const undeclared = findTemplateErrors(project).filter((d) => d.rule === 'undeclared-secret');
    expect(undeclared[0].message).toBe('machine BRU-D0001: template linux/mailbox.json.hbs asks for secret vpnPsk, which step mailbox does not list under secrets: (templates/linux/mailbox.json.hbs:1)');

    const nested = buildFixtureProject();
    const vpn = nested.templates.get('linux/vpn.nmconnection.hbs')!;
    nested.templates.set('linux/vpn.nmconnection.hbs', { ...vpn, text: vpn.text.replace('{{secret vpn.pskSecret}}', '{{json (secret vpn.pskSecret)}}') });
    expect(findTemplateErrors(nested).filter((d) => d.rule === 'template-syntax')[0].message).toMatch(/^profile back-office \(linux\): template linux\/vpn\.nmconnection\.hbs at line 27: \{\{secret\}\} must stand on its own, not inside another helper$/);

    const other = buildFixtureProject();
    delete (other.config.secrets as Record<string, unknown>).enrolmentToken;
    const unknown = findTemplateErrors(other).filter((d) => d.rule === 'unknown-secret');
    expect(unknown.map((d) => d.message)).toEqual([expect.stringMatching(/^machine BRU-D0002: template windows\/mdm-enrolment\.conf\.hbs asks for secret enrolmentToken, which is not declared under secrets: in homeshift.yaml/)]);
  });
});
