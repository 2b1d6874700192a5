// The page's chart and table, as plain functions of data (and width) in Framework's component style.
import {html} from "npm:htl";
import * as Plot from "npm:@observablehq/plot";
import {formatRate} from "./startup.js";

const HOUR_MS = 3_600_000;
const count = (n) => n.toLocaleString("en-US");

/**
 * Startup success rate per hour. Hours without requested sessions are shaded and leave a gap in
 * the line: they have no rate, which is not a rate of 0%.
 */
export function startupRateChart(hours, {width, title} = {}) {
  const measured = hours.filter((d) => d.rate !== null);
  const empty = hours.filter((d) => d.rate === null);
  return Plot.plot({
    title,
    caption: empty.length
      ? `Shaded: ${empty.length} hour${empty.length === 1 ? "" : "s"} with no requested sessions (no data, not 0%).`
      : "Every hour in the release had requested sessions.",
    width,
    height: 320,
    marginLeft: 48,
    x: {type: "utc", label: "Hour (UTC)"},
    y: {domain: [0, 100], percent: true, label: "Startup success (%)", grid: true},
    marks: [
      Plot.rectY(empty, {x1: "hour", x2: (d) => new Date(d.hour.getTime() + HOUR_MS), y1: 0, y2: 1, fill: "currentColor", fillOpacity: 0.08}),
      Plot.lineY(hours, {x: "hour", y: (d) => d.rate ?? NaN, stroke: "var(--theme-foreground-focus)"}),
      Plot.dot(measured, {
        x: "hour",
        y: "rate",
        r: 2.5,
        fill: "var(--theme-foreground-focus)",
        channels: {succeeded: {value: "success", label: "Started"}, requested: {value: "requested", label: "Requested"}},
        tip: {format: {x: (d) => d.toISOString().slice(0, 13) + ":00Z", y: (d) => formatRate(d), succeeded: count, requested: count}}
      }),
      Plot.ruleY([0])
    ]
  });
}

/**
 * One row per orchestrator x workflow: requested sessions (denominator), started sessions
 * (numerator) and the rate, which reads "no data" when nothing was requested.
 */
export function pairTable(pairs) {
  const rows = [...pairs].sort(
    (a, b) => b.requested - a.requested || a.orchestrator.localeCompare(b.orchestrator) || a.workflow.localeCompare(b.workflow)
  );
  return html`<div class="pair-table"><table>
    <thead><tr>
      <th>Orchestrator</th><th>Workflow</th><th class="num">Requested sessions</th><th class="num">Started sessions</th>
      <th class="num">Startup success</th><th class="num">Hours with requests</th>
    </tr></thead>
    <tbody>${rows.map(
      (p) => html`<tr class=${p.rate === null ? "no-data" : null}>
        <td>${p.orchestrator_address === null ? html`<span class="muted">${p.orchestrator}</span>` : html`<code>${p.orchestrator_address}</code>`}</td><td>${p.workflow}</td>
        <td class="num">${count(p.requested)}</td><td class="num">${count(p.success)}</td>
        <td class="num rate">${p.rate === null ? html`<span class="muted">no data</span>` : formatRate(p.rate)}</td>
        <td class="num">${count(p.hours_with_requests)}</td>
      </tr>`
    )}</tbody>
  </table></div>`;
}
