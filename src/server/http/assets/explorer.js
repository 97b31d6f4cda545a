// The explorer page: the editor (highlighting and completion from the server's lexer
// and completer), running and cancelling queries, results as graph, table and JSON,
// the details and provenance panel, find, the schema overview, links that carry the
// query and the view, and exports. All data is shown as text, never as HTML.
"use strict";

const $ = (id) => document.getElementById(id);
// The write token arrives in the printed URL. It is kept for this tab only and taken out
// of the address bar, so a link copied or shared from the page never carries it.
const token = (() => {
  const url = new URL(location.href);
  const given = url.searchParams.get("token");
  if (given) {
    sessionStorage.setItem("korpu-token", given);
    url.searchParams.delete("token");
    window.history.replaceState(null, "", url.pathname + url.search + url.hash);
    return given;
  }
  return sessionStorage.getItem("korpu-token");
})();
const tabId = (() => {
  let id = sessionStorage.getItem("korpu.tab");
  if (!id) {
    const bytes = crypto.getRandomValues(new Uint8Array(12));
    id = Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
    sessionStorage.setItem("korpu.tab", id);
  }
  return id;
})();
const SIZE_GUARD = 1000; // nodes past which the page asks before drawing
const NEIGHBOURS_PER_PAGE = 50;
const HISTORY_KEY = "korpu.history";

const state = { schema: null, last: null, lastQuery: "", view: "graph", selected: null, runStarted: 0 };
let editor;
let graphView;

async function api(endpoint, body) {
  const headers = { "Content-Type": "application/json" };
  if (token) headers["X-Korpu-Token"] = token;
  const response = await fetch("/api/" + endpoint, { method: "POST", headers, body: JSON.stringify(body || {}) });
  const type = response.headers.get("Content-Type") || "";
  return type.startsWith("application/json") ? response.json() : response.text();
}

function setStatus(text) { $("status").textContent = text; }

// ---- schema overview -------------------------------------------------------------

async function loadSchema() {
  const schema = await api("schema");
  state.schema = schema;
  const box = $("schema");
  box.replaceChildren();
  const total = document.createElement("span");
  total.className = "total";
  total.textContent = `${schema.nodes} nodes · ${schema.relationships} relationships`;
  box.appendChild(total);
  for (const { label, count } of schema.labels) {
    box.appendChild(chip(`:${label} ${count}`, `MATCH (n:\`${label.replace(/`/g, "``")}\`) RETURN n LIMIT 50`));
  }
  for (const { type, count } of schema.types) {
    box.appendChild(chip(`[:${type}] ${count}`, `MATCH (a)-[r:\`${type.replace(/`/g, "``")}\`]->(b) RETURN a, r, b LIMIT 50`));
  }
}

function chip(text, query) {
  const button = document.createElement("button");
  button.type = "button";
  button.textContent = text;
  button.addEventListener("click", () => { editor.setValue(query); run(); });
  return button;
}

// ---- editor: highlighting, completion, history -------------------------------------

let highlightTimer = 0;
let highlightMarks = [];
function scheduleHighlight() {
  clearTimeout(highlightTimer);
  highlightTimer = setTimeout(async () => {
    const text = editor.getValue();
    const answer = await api("highlight", { text });
    if (editor.getValue() !== text || !answer.tokens) return;
    editor.operation(() => {
      highlightMarks.forEach((mark) => mark.clear());
      highlightMarks = answer.tokens.filter((t) => t.role !== "punct" && t.role !== "variable").map((t) =>
        editor.markText(editor.posFromIndex(t.start), editor.posFromIndex(t.end), { className: "cm-role-" + t.role }));
    });
  }, 120);
}

function completionHints(cm, callback) {
  const text = cm.getValue();
  const cursor = cm.getCursor();
  api("complete", { text, pos: cm.indexFromPos(cursor) }).then((answer) => {
    if (!answer.candidates || answer.candidates.length === 0) { callback(null); return; }
    callback({ list: answer.candidates, from: cm.posFromIndex(answer.start), to: cursor });
  });
}
completionHints.async = true;

function savedQueries() {
  try { return JSON.parse(localStorage.getItem(HISTORY_KEY)) || []; } catch { return []; }
}

function remember(query) {
  const entries = [query, ...savedQueries().filter((entry) => entry !== query)].slice(0, 50);
  localStorage.setItem(HISTORY_KEY, JSON.stringify(entries));
  showHistory();
}

function showHistory() {
  const select = $("history");
  select.replaceChildren(new Option("History…", ""));
  for (const entry of savedQueries()) select.appendChild(new Option(entry.replace(/\s+/g, " ").slice(0, 80), entry));
}

// ---- running -----------------------------------------------------------------------

let errorMark = null;
function showError(answer) {
  const box = $("error");
  box.hidden = false;
  box.textContent = answer.diagnostic || answer.error.message;
  const { line, column } = answer.error;
  if (line > 0) {
    const from = { line: line - 1, ch: Math.max(column - 1, 0) };
    errorMark = editor.markText(from, { line: from.line, ch: from.ch + 1 }, { className: "cm-error-spot" });
  }
}

function parameters() {
  const text = $("params").value.trim();
  if (!text) return {};
  const parsed = JSON.parse(text);
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new Error("parameters must be a JSON object");
  return parsed;
}

async function run(options = {}) {
  const query = editor.getValue();
  if (!query.trim()) return;
  let params;
  try { params = parameters(); } catch (error) { setStatus("Parameters: " + error.message); return; }
  $("error").hidden = true;
  if (errorMark) { errorMark.clear(); errorMark = null; }
  remember(query);
  state.lastQuery = query;
  state.runStarted = performance.now();
  $("cancel").disabled = false;
  $("run").disabled = true;
  setStatus("Running…");
  let answer;
  try {
    answer = await api("query", { query, params, tab: tabId });
  } catch (error) {
    answer = { error: { message: String(error), line: 0, column: 0 } };
  } finally {
    $("cancel").disabled = true;
    $("run").disabled = false;
  }
  if (answer.error) { showError(answer); setStatus("Failed."); return; }
  state.last = answer;
  if (!options.keepView) saveToUrl();
  $("json").textContent = JSON.stringify({ columns: answer.columns, rows: answer.rows, stats: answer.stats }, null, 2);
  $("table").textContent = answer.plan || answer.table || "";
  const rows = answer.rows ? answer.rows.length : 0;
  const truncated = answer.truncated ? ` (of ${answer.truncated.total}; the rest were not sent)` : "";
  const summary = `${rows} rows${truncated} in ${answer.elapsed_ms ? answer.elapsed_ms.toFixed(1) : "?"} ms`;
  const graph = answer.graph || { nodes: [], edges: [] };
  if (graph.nodes.length === 0) { showView(answer.plan ? "table" : (rows ? "table" : "graph")); graphView.show(graph, $("layout").value); setStatus(summary); return; }
  if (graph.nodes.length > SIZE_GUARD && !options.force) {
    $("guard-text").textContent = `The result has ${graph.nodes.length} nodes and ${graph.edges.length} relationships; drawing past ${SIZE_GUARD} nodes is slow and hard to read.`;
    $("guard").hidden = false;
    setStatus(summary);
    return;
  }
  draw(graph, summary);
}

function draw(graph, summary) {
  $("guard").hidden = true;
  showView("graph");
  setStatus(`${summary}; drawing ${graph.nodes.length} nodes…`);
  // Let the status paint before the layout holds the page.
  setTimeout(() => graphView.show(graph, $("layout").value, () => {
    const ms = performance.now() - state.runStarted;
    document.body.dataset.drawnNodes = String(graphView.cy.nodes().length);
    document.body.dataset.drawMs = ms.toFixed(0);
    setStatus(`${summary}; ${graph.nodes.length} nodes drawn ${ms.toFixed(0)} ms after Run`);
    saveToUrl();
  }), 0);
}

// ---- details and provenance --------------------------------------------------------

function showDetails(element) {
  state.selected = element;
  const data = element.data();
  const isNode = element.isNode();
  $("details-title").textContent = isNode ? `${data.caption} (:${data.labels.join(":")})` : `[:${data.type}]`;
  const table = $("properties");
  table.replaceChildren();
  const rows = [["id", String(data.key)], ...Object.entries(data.properties).map(([key, value]) => [key, typeof value === "string" ? value : JSON.stringify(value)])];
  for (const [key, value] of rows) {
    const row = table.insertRow();
    const name = document.createElement("th");
    name.textContent = key;
    row.appendChild(name);
    row.insertCell().textContent = value;
  }
  $("pin").disabled = !isNode;
  $("pin").textContent = isNode && graphView.pinned.has(data.key) ? "Unpin" : "Pin";
  const expansion = isNode && graphView.expanded.get(data.key);
  $("collapse").disabled = !expansion;
  $("more").disabled = !(expansion && expansion.shown < expansion.total);
  $("more").textContent = expansion ? `More neighbours (${expansion.shown} of ${expansion.total})` : "More neighbours";
  showProvenance(data.properties);
}

async function showProvenance(properties) {
  const box = $("provenance");
  box.replaceChildren();
  const { source, quote } = properties;
  const line = document.createElement("p");
  if (source === "general") { line.textContent = "General knowledge (no paragraph of the source)."; box.appendChild(line); return; }
  if (typeof source !== "number") { line.textContent = "No provenance recorded."; box.appendChild(line); return; }
  line.textContent = `Source paragraph ${source}`;
  box.appendChild(line);
  if (typeof quote === "string") {
    const block = document.createElement("blockquote");
    block.className = "quote";
    block.textContent = quote;
    box.appendChild(block);
  }
  if (!state.schema || !state.schema.source_document) return;
  const answer = await api("source", { paragraph: source });
  if (answer.error || state.selected === null || state.selected.data("properties") !== properties) return;
  const paragraph = document.createElement("p");
  paragraph.className = "paragraph";
  const at = typeof quote === "string" ? answer.text.indexOf(quote) : -1;
  if (at < 0) {
    paragraph.textContent = answer.text;
  } else {
    const mark = document.createElement("mark");
    mark.textContent = quote;
    paragraph.append(answer.text.slice(0, at), mark, answer.text.slice(at + quote.length));
  }
  box.appendChild(paragraph);
}

// ---- expansion ---------------------------------------------------------------------

async function expand(node) {
  const key = node.data("key");
  const seen = graphView.expanded.get(key) || { shown: 0, total: 0 };
  const answer = await api("expand", { node: key, skip: seen.shown, limit: NEIGHBOURS_PER_PAGE });
  if (answer.error) { setStatus(answer.error.message); return; }
  const added = graphView.add(answer.graph, key);
  graphView.placeAround(node, added);
  graphView.expanded.set(key, { shown: seen.shown + answer.shown, total: answer.total });
  setStatus(`${added.length} neighbours added (${seen.shown + answer.shown} of ${answer.total})`);
  if (state.selected && state.selected.same(node)) showDetails(node);
  saveToUrl();
}

function collapse(node) {
  graphView.collapse(node.data("key"));
  setStatus("Collapsed.");
  if (state.selected && state.selected.same(node)) showDetails(node);
  saveToUrl();
}

// ---- find --------------------------------------------------------------------------

let findTimer = 0;
function scheduleFind() {
  clearTimeout(findTimer);
  findTimer = setTimeout(async () => {
    const text = $("find").value;
    const list = $("find-hits");
    list.replaceChildren();
    if (!text.trim()) return;
    const answer = await api("find", { text, limit: 10 });
    for (const hit of answer.hits || []) {
      const item = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = `${hit.node.captions[graphView.lang]} (:${hit.node.labels.join(":")}) — ${hit.matched}`;
      button.addEventListener("click", () => {
        list.replaceChildren();
        editor.setValue(`MATCH (n) WHERE elementId(n) = '${hit.node.id.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}' RETURN n`);
        run();
      });
      item.appendChild(button);
      list.appendChild(item);
    }
  }, 200);
}

// ---- views, links and exports ------------------------------------------------------

function showView(name) {
  state.view = name;
  for (const button of document.querySelectorAll("#results nav [data-view]")) button.classList.toggle("active", button.dataset.view === name);
  $("graph").style.display = name === "graph" ? "" : "none";
  $("table").hidden = name !== "table";
  $("json").hidden = name !== "json";
  if (name === "graph") graphView.cy.resize();
}

// The query, parameters, captions, layout and drawn positions, in the URL's fragment
// (never sent to the server), so a copied link opens the same view.
function saveToUrl() {
  if (!state.lastQuery) return;
  const fragment = new URLSearchParams();
  fragment.set("q", state.lastQuery);
  const params = $("params").value.trim();
  if (params && params !== "{}") fragment.set("p", params);
  fragment.set("lang", graphView.lang);
  fragment.set("layout", $("layout").value);
  fragment.set("view", JSON.stringify(graphView.viewState()));
  window.history.replaceState(null, "", location.pathname + location.search + "#" + fragment.toString());
}

function loadFromUrl() {
  const fragment = new URLSearchParams(location.hash.slice(1));
  if (fragment.get("lang")) { $("lang").value = fragment.get("lang") === "en" ? "en" : "az"; graphView.setLanguage($("lang").value); }
  if (fragment.get("layout") === "breadthfirst") $("layout").value = "breadthfirst";
  if (fragment.get("p")) $("params").value = fragment.get("p");
  if (fragment.get("view")) { try { graphView.restoreView(JSON.parse(fragment.get("view"))); } catch { setStatus("The link's saved view is damaged; laying out afresh."); } }
  if (fragment.get("q")) { editor.setValue(fragment.get("q")); run({ keepView: true }); }
}

function download(name, blob) {
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = name;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
}

async function exportCsv() {
  if (!state.lastQuery) return;
  const text = await api("query", { query: state.lastQuery, params: parameters(), tab: tabId, format: "csv" });
  if (typeof text !== "string") { showError(text); return; }
  download("korpu.csv", new Blob([text], { type: "text/csv" }));
}

// ---- wiring ------------------------------------------------------------------------

function start() {
  graphView = new GraphView($("graph"));
  window.korpu = { graphView, state };
  editor = CodeMirror.fromTextArea($("query"), {
    lineNumbers: true, lineWrapping: true,
    extraKeys: {
      "Ctrl-Enter": () => run(), "Cmd-Enter": () => run(),
      "Ctrl-Space": (cm) => cm.showHint({ hint: completionHints, completeSingle: false }),
    },
  });
  editor.on("changes", scheduleHighlight);
  editor.on("inputRead", (cm, change) => {
    if (/[\w:.$]/.test(change.text.join(""))) cm.showHint({ hint: completionHints, completeSingle: false });
  });
  $("run").addEventListener("click", () => run());
  $("cancel").addEventListener("click", () => api("cancel", { tab: tabId }));
  $("history").addEventListener("change", (event) => { if (event.target.value) editor.setValue(event.target.value); });
  $("lang").addEventListener("change", (event) => { graphView.setLanguage(event.target.value); saveToUrl(); });
  $("layout").addEventListener("change", (event) => graphView.relayout(event.target.value, saveToUrl));
  for (const button of document.querySelectorAll("#results nav [data-view]")) button.addEventListener("click", () => showView(button.dataset.view));
  $("find").addEventListener("input", scheduleFind);
  $("guard-draw").addEventListener("click", () => { state.runStarted = performance.now(); draw(state.last.graph, "Drawn on request"); });
  $("guard-table").addEventListener("click", () => { $("guard").hidden = true; showView("table"); });
  $("pin").addEventListener("click", () => { if (state.selected) { graphView.togglePin(state.selected); showDetails(state.selected); saveToUrl(); } });
  $("more").addEventListener("click", () => { if (state.selected) expand(state.selected); });
  $("collapse").addEventListener("click", () => { if (state.selected) collapse(state.selected); });
  $("share").addEventListener("click", () => { saveToUrl(); navigator.clipboard?.writeText(location.href); setStatus("The link to this view is in the address bar (and copied)."); });
  $("export-png").addEventListener("click", async () => download("korpu.png", await graphView.cy.png({ output: "blob-promise", full: true, bg: "#ffffff", scale: 2 })));
  $("export-svg").addEventListener("click", () => download("korpu.svg", new Blob([graphView.toSvg()], { type: "image/svg+xml" })));
  $("export-json").addEventListener("click", () => download("korpu.json", new Blob([JSON.stringify({ query: state.lastQuery, result: state.last, view: graphView.viewState() }, null, 2)], { type: "application/json" })));
  $("export-csv").addEventListener("click", exportCsv);
  graphView.cy.on("tap", "node, edge", (event) => showDetails(event.target));
  graphView.cy.on("dbltap", "node", (event) => {
    const node = event.target;
    if (graphView.expanded.has(node.data("key"))) collapse(node); else expand(node);
  });
  graphView.cy.on("dragfree", "node", saveToUrl);
  showHistory();
  loadSchema().then(() => { document.body.dataset.ready = "true"; loadFromUrl(); });
}

document.addEventListener("DOMContentLoaded", start);
