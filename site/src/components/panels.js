// Shared page parts: the freshness and coverage panel every page shows for the releases it reads,
// and the formula/SQL disclosure next to a number.
import {html} from "npm:htl";

const when = (iso) => (iso ? `${String(iso).slice(0, 16).replace("T", " ")} UTC` : "none");

/** The catalog entries (data/catalog.json) for `ids`, in that order; a missing id is an error. */
export function entriesFor(catalog, ids) {
  return ids.map((id) => {
    const entry = catalog.datasets.find((d) => d.id === id);
    if (!entry) throw new Error(`dataset ${id} is not in the release catalog`);
    return entry;
  });
}

function watermarks(entry) {
  const marks = (entry.quality?.freshness ?? []).filter((f) => f.watermark);
  if (marks.length === 0) return html`<span class="muted">none recorded</span>`;
  const oldest = marks.reduce((a, b) => (a.watermark <= b.watermark ? a : b));
  return html`${when(oldest.watermark)} <span class="muted">(${oldest.source}/${oldest.entity}; oldest of ${marks.length})</span>`;
}

function coverage(entry) {
  const c = entry.quality?.coverage;
  if (!c || c.share === null || c.share === undefined) return html`<span class="muted">not measured</span>`;
  const parts = Object.entries(c).filter(([k]) => k !== "share").map(([k, v]) => `${k.replaceAll("_", " ")} ${v}`);
  return html`${(c.share * 100).toFixed(1)}% <span class="muted">(${parts.join(", ")})</span>`;
}

/** A table of the releases behind the page: release, window, rows, source watermark, coverage, checks. */
export function freshnessPanel(entries, {base = "./"} = {}) {
  return html`<div class="freshness"><table>
    <thead><tr><th>Dataset</th><th>Release</th><th>Built</th><th>Window</th><th class="num">Rows</th><th>Oldest source watermark</th><th>Coverage</th><th>Checks</th></tr></thead>
    <tbody>${entries.map((e) => html`<tr data-dataset=${e.id}>
      <td><a href=${`${base}datasets#${e.id}`}><code>${e.id}</code></a> ${e.version}</td>
      <td><code>${e.release_id}</code></td>
      <td>${when(e.created_at)}</td>
      <td>${e.window ? `${when(e.window.from)} → ${when(e.window.to)}` : html`<span class="muted">none</span>`}</td>
      <td class="num">${e.row_count.toLocaleString("en-US")}</td>
      <td>${watermarks(e)}</td>
      <td>${coverage(e)}</td>
      <td>${e.checks.failed.length === 0 ? `${e.checks.passed} passed` : html`<strong>${e.checks.failed.length} failed</strong>: ${e.checks.failed.join("; ")}`}</td>
    </tr>`)}</tbody>
  </table></div>`;
}

/** A collapsed block with the formula or SQL behind a number. */
export function formula(title, text) {
  return html`<details class="formula"><summary>${title}</summary><pre><code>${text}</code></pre></details>`;
}
