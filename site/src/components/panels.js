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

/** Sources without an endpoint in the run that built the release: their part of the data is missing, not zero. */
function sources(entry) {
  const absent = (entry.source_coverage ?? []).filter((c) => c.status !== "present");
  if ((entry.source_coverage ?? []).length === 0) return html`<span class="muted">not recorded</span>`;
  if (absent.length === 0) return "all present";
  return html`<strong class="source-absent">source absent</strong>: ${absent.map((c) => `${c.source} (set ${(c.variables ?? []).join(", ")})`).join("; ")}`;
}

/** Failed checks: errors (never in a normal release), then warnings (values flagged in the data); and a hold-back. */
function checks(entry) {
  const c = entry.checks;
  const parts = [c.failed.length === 0 ? `${c.passed} passed` : html`<strong>${c.failed.length} failed</strong>: ${c.failed.join("; ")}`];
  if (c.warnings?.length) parts.push(html`<br><strong>${c.warnings.length} warning(s)</strong>: ${c.warnings.join("; ")}`);
  if (entry.held_back) parts.push(html`<br><strong class="held-back">held back in the latest publish</strong> (${entry.held_back.reason}); this is the previous release`);
  return parts;
}

/** A table of the releases behind the page: release, window, rows, source watermark, coverage, absent sources, checks. */
export function freshnessPanel(entries, {base = "./"} = {}) {
  return html`<div class="freshness"><table>
    <thead><tr><th>Dataset</th><th>Release</th><th>Built</th><th>Window</th><th class="num">Rows</th><th>Oldest source watermark</th><th>Coverage</th><th>Sources</th><th>Checks</th></tr></thead>
    <tbody>${entries.map((e) => html`<tr data-dataset=${e.id}>
      <td><a href=${`${base}datasets#${e.id}`}><code>${e.id}</code></a> ${e.version}</td>
      <td><code>${e.release_id}</code></td>
      <td>${when(e.created_at)}</td>
      <td>${e.window ? `${when(e.window.from)} → ${when(e.window.to)}` : html`<span class="muted">none</span>`}</td>
      <td class="num">${e.row_count.toLocaleString("en-US")}</td>
      <td>${watermarks(e)}</td>
      <td>${coverage(e)}</td>
      <td>${sources(e)}</td>
      <td>${checks(e)}</td>
    </tr>`)}</tbody>
  </table></div>`;
}

/** A collapsed block with the formula or SQL behind a number. */
export function formula(title, text) {
  return html`<details class="formula"><summary>${title}</summary><pre><code>${text}</code></pre></details>`;
}
