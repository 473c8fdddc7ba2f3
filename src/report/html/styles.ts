/** Inline CSS: system fonts only, readable on screen and on paper. */
export const REPORT_CSS = `
:root { --done:#2e7d32; --open:#c62828; --stale:#e08a00; --never:#b0b4ba; --unfinished:#5c8fd6; --escalated:#7b1fa2; --ink:#1d2329; --muted:#6b7480; --line:#e2e5e9; --bg:#f6f7f9; --accent:#1f5fa8; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0; background: var(--bg); color: var(--ink); font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
header.top { background: #17324d; color: #fff; padding: 20px 32px 16px; }
header.top h1 { margin: 0 0 4px; font-size: 22px; font-weight: 600; }
header.top .meta { color: #c4d2e0; font-size: 13px; }
header.top code { color: #fff; }
nav { display: flex; gap: 18px; flex-wrap: wrap; margin-top: 12px; font-size: 13px; }
nav a { color: #dce8f5; text-decoration: none; border-bottom: 1px solid transparent; }
nav a:hover { border-bottom-color: #dce8f5; }
main { max-width: 1240px; margin: 0 auto; padding: 20px 32px 48px; }
section { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 18px 22px; margin: 0 0 20px; }
section > h2 { margin: 0 0 12px; font-size: 17px; font-weight: 600; }
section > h2 .muted { font-size: 13px; font-weight: 400; margin-left: 6px; }
h3 { font-size: 15px; margin: 0 0 8px; font-weight: 600; }
.tiles { display: grid; grid-template-columns: repeat(auto-fit, minmax(130px, 1fr)); gap: 12px; margin: 0 0 20px; }
.tile { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; border-top: 4px solid var(--accent); }
.tile .n { font-size: 24px; font-weight: 600; display: block; }
.tile .l { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
.tile-done { border-top-color: var(--done); } .tile-open { border-top-color: var(--open); } .tile-stale { border-top-color: var(--stale); }
.tile-never { border-top-color: var(--never); } .tile-unfinished { border-top-color: var(--unfinished); } .tile-escalated { border-top-color: var(--escalated); }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
thead th { font-size: 12px; color: var(--muted); font-weight: 600; text-transform: uppercase; letter-spacing: .03em; border-bottom: 2px solid var(--line); }
tbody tr:hover { background: #f8fafc; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.nowrap { white-space: nowrap; }
.muted { color: var(--muted); }
.empty { color: var(--muted); font-style: italic; margin: 4px 0; }
code { font: 12px/1.3 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.msg { max-width: 480px; overflow-wrap: anywhere; }
.legend { display: flex; gap: 16px; margin-bottom: 8px; font-size: 12px; color: var(--muted); }
.key { display: inline-flex; align-items: center; gap: 5px; }
.swatch { width: 12px; height: 12px; border-radius: 2px; display: inline-block; }
.bar-cell { width: 38%; min-width: 180px; }
.bar { display: flex; height: 16px; border-radius: 4px; overflow: hidden; background: #eef0f3; margin-top: 2px; }
.seg { display: block; height: 100%; }
.done { background: var(--done); } .open { background: var(--open); } .stale { background: var(--stale); } .never { background: var(--never); } .unfinished { background: var(--unfinished); }
.t-done { color: var(--done); font-weight: 600; } .t-open { color: var(--open); font-weight: 600; } .t-stale { color: var(--stale); font-weight: 600; }
.t-never { color: #5f6670; font-weight: 600; } .t-unfinished { color: var(--accent); font-weight: 600; } .t-escalated { color: var(--escalated); font-weight: 600; }
tr.total th, tr.total td { border-top: 2px solid var(--line); font-weight: 600; }
.badge { display: inline-block; padding: 1px 7px; border-radius: 10px; font-size: 11px; font-weight: 600; white-space: nowrap; background: #eceff3; color: #37414b; }
.badge.escalated { background: #f3e5f5; color: var(--escalated); }
.badge.overdue { background: #fdecea; color: var(--open); }
ul.owners { list-style: none; margin: 0; padding: 0; font-size: 12px; }
.badge.reboot { background: #fff4e0; color: #8a5300; }
.badge.deferred { background: #eef0ff; color: #3a3f8f; }
.reboot-pending h3 { font-size: 14px; margin: 14px 0 2px; }
.reboot-pending ul { margin: 4px 0 0; padding-left: 18px; }
.cls-step-failed { background: #fdecea; color: #a31515; } .cls-unreachable { background: #e8eaed; color: #3c4650; }
.cls-auth { background: #fff1e0; color: #a55300; } .cls-timeout { background: #fff8d6; color: #7a5b00; }
.cls-validation { background: #e3f0fd; color: #1f5fa8; } .cls-internal, .cls-interrupted { background: #efe7f7; color: #5b2d8a; }
.causes td:first-child { width: 84px; }
.count { font-weight: 600; font-size: 15px; }
.count-bar { display: block; height: 5px; background: #f1f2f4; border-radius: 3px; margin-top: 4px; overflow: hidden; }
.count-bar span { display: block; height: 100%; background: var(--open); margin-left: auto; }
.site-name { display: block; font-size: 12px; font-weight: 400; }
.person { white-space: nowrap; }
.person .mail { display: block; font-size: 11px; color: var(--muted); text-decoration: none; }
h3 .person .mail { display: inline; font-size: 12px; font-weight: 400; margin-left: 4px; }
.cause { font-weight: 500; overflow-wrap: anywhere; }
.todo { margin: 2px 0; }
.pattern { overflow-wrap: anywhere; }
.fp { color: var(--muted); font-size: 11px; }
.home-ready { width: 100%; max-width: 820px; height: auto; display: block; }
.home-ready .grid { stroke: #edf0f3; } .home-ready .axis { stroke: #9aa3ad; }
.home-ready .tick { fill: var(--muted); font-size: 11px; } .home-ready .axis-label { fill: var(--muted); font-size: 12px; }
.home-ready .site-line { fill: none; stroke-width: 2; stroke-linejoin: round; }
.legend { list-style: none; display: flex; flex-wrap: wrap; gap: 4px 14px; padding: 0; margin: 6px 0; font-size: 12px; max-width: 820px; }
.legend .swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 5px; }
.caption { color: var(--muted); font-size: 12px; margin: 6px 0 0; }
.worklists { display: grid; gap: 14px; }
.worklist { border: 1px solid var(--line); border-radius: 6px; padding: 12px 14px; break-inside: avoid; }
.worklist table.cases { table-layout: fixed; }
.c-machine { width: 110px; } .c-site { width: 110px; } .c-flag { width: 90px; } .c-age { width: 70px; } .c-attempts { width: 80px; } .c-due { width: 150px; } .c-class { width: 110px; }
.worklist tr.is-escalated td { background: #fbf6fd; }
.search { display: flex; align-items: center; gap: 10px; margin-bottom: 10px; }
.search label { font-weight: 600; }
.search input { flex: 1; max-width: 520px; padding: 7px 10px; font: inherit; border: 1px solid #c5ccd4; border-radius: 6px; }
.search input:focus { outline: 2px solid var(--accent); outline-offset: 1px; }
.state { font-weight: 600; white-space: nowrap; }
.st-done { color: var(--done); } .st-open { color: var(--open); } .st-stale { color: var(--stale); } .st-never-tried { color: #5f6670; }
footer { color: var(--muted); font-size: 12px; text-align: center; padding: 0 0 24px; }
@media print {
  body { background: #fff; font-size: 11px; }
  header.top { background: #fff; color: var(--ink); padding: 0 0 8px; border-bottom: 2px solid var(--ink); }
  header.top .meta, header.top code { color: var(--ink); }
  nav, .no-print { display: none; }
  main { padding: 8px 0; max-width: none; }
  section { border: none; padding: 0; margin-bottom: 16px; }
  section.machines-section { break-before: page; }
  tr { break-inside: avoid; }
  tbody tr:hover { background: none; }
}
`;
