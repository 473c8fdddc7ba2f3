/** The routing of issue 13's example, appended to a lab's homeshift.yaml by the CLI tests of routing and notify. */
export const EXAMPLE_ROUTING = `
routing:
  groups:
    central-it: { members: [it-ops@example-telco.de], lead: it-lead@example-telco.de }
    directory-team: { members: [hr-data@example-telco.de] }
  rules:
    - { class: [auth], to: central-it, reactWithin: 1h }
    - { cause: "step-failed:mailbox:*", to: directory-team, reactWithin: 1d }
    - { class: [unreachable], to: site-supporters, reactWithin: 4h }
`;
