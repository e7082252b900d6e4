// The query page: run the editor's SPARQL against /sparql and draw the results. No dependencies.
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("page-data").textContent);
  const editor = document.getElementById("query");
  const form = document.getElementById("query-form");
  const status = document.getElementById("status");
  const results = document.getElementById("results");
  const permalink = document.getElementById("permalink");
  const downloadJson = document.getElementById("download-json");
  const downloadCsv = document.getElementById("download-csv");
  const MAX_ROWS = 2000; // more are counted, not drawn: the downloads have them all
  const GET_LIMIT = 6000; // longer queries go by POST so the URL stays within server limits
  const AG = data.prefixes.ag;
  // Datatypes a reader recognises from the value itself: no badge.
  const PLAIN_TYPES = /#(string|integer|decimal|double|boolean)$/;
  const entries = Object.entries(data.prefixes);

  function el(tag, attrs, text) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function compact(iri) {
    for (const [prefix, ns] of entries) {
      if (iri.startsWith(ns)) {
        const local = iri.slice(ns.length);
        if (!/[\/#]/.test(local)) return prefix + ":" + local;
      }
    }
    return iri;
  }

  // Our resource IRIs open their page here, ontology terms the ontology page, our graphs their
  // content (Graph Store); other IRIs go out.
  function href(iri) {
    if (iri.startsWith(data.resource_ns)) {
      return "/resource/" + iri.slice(data.resource_ns.length).split("/").map(encodeURIComponent).join("/");
    }
    if (iri.startsWith(AG)) return "/ontology#" + iri.slice(AG.length);
    if (iri.startsWith(data.graph_ns)) return "/store?graph=" + encodeURIComponent(iri);
    // Only web IRIs become links: a javascript: IRI is valid RDF but must not be clickable.
    return /^https?:\/\//i.test(iri) ? iri : "";
  }

  function cell(term) {
    const td = el("td");
    if (!term) return td;
    if (term.type === "uri") {
      const target = href(term.value);
      if (!target) {
        td.appendChild(el("span", { class: "iri", title: term.value }, compact(term.value)));
        return td;
      }
      const a = el("a", { href: target, title: term.value }, compact(term.value));
      if (target === term.value) a.className = "external";
      td.appendChild(a);
    } else if (term.type === "bnode") {
      td.appendChild(el("span", { class: "bnode" }, "_:" + term.value));
    } else {
      td.appendChild(el("span", { class: "literal" }, term.value));
      if (term["xml:lang"]) td.appendChild(el("span", { class: "lang" }, "@" + term["xml:lang"]));
      else if (term.datatype && !PLAIN_TYPES.test(term.datatype)) {
        td.appendChild(el("span", { class: "dtype" }, compact(term.datatype)));
      }
    }
    return td;
  }

  function drawTable(json) {
    const vars = json.head.vars;
    const rows = json.results.bindings;
    const table = el("table", { class: "results", id: "results-table" });
    const head = el("tr");
    vars.forEach((v) => head.appendChild(el("th", {}, "?" + v)));
    table.appendChild(el("thead")).appendChild(head);
    const body = table.appendChild(el("tbody"));
    rows.slice(0, MAX_ROWS).forEach((row) => {
      const tr = el("tr");
      vars.forEach((v) => tr.appendChild(cell(row[v])));
      body.appendChild(tr);
    });
    results.replaceChildren(table);
    return rows.length;
  }

  function declared(text) {
    const found = new Set();
    for (const m of text.matchAll(/^\s*PREFIX\s+([A-Za-z][\w-]*)?:/gim)) found.add(m[1] || "");
    return found;
  }

  // Prefixes the query uses (prefix:local outside IRIs) but does not declare, among ours.
  function missingPrefixes(text) {
    const have = declared(text);
    const body = text.replace(/<[^>\s]*>/g, " ").replace(/"(?:[^"\\\n]|\\.)*"/g, '""').replace(/#.*$/gm, "");
    return entries.filter(([p]) => !have.has(p) && new RegExp("(^|[\\s(){},;.^/|!=<>*+?])" + p + ":", "m").test(body));
  }

  function addPrefixes() {
    const missing = missingPrefixes(editor.value);
    if (missing.length) {
      editor.value = missing.map(([p, ns]) => "PREFIX " + p + ": <" + ns + ">\n").join("") + editor.value;
      fit();
    }
    return missing.length;
  }

  function updateLinks(text) {
    const q = encodeURIComponent(text);
    permalink.href = "/?query=" + q;
    downloadJson.href = "/sparql?query=" + q + "&format=json";
    downloadCsv.href = "/sparql?query=" + q + "&format=csv";
  }

  // The parser says "error at LINE:COLUMN" (where it gave up, often past the culprit): select that line.
  function markError(message) {
    const at = /error at (\d+):(\d+)/.exec(message);
    if (!at) return;
    const lines = editor.value.split("\n");
    const line = Math.min(Number(at[1]), lines.length) - 1;
    const start = lines.slice(0, line).reduce((n, l) => n + l.length + 1, 0);
    editor.focus();
    editor.setSelectionRange(start, start + lines[line].length);
  }

  function setStatus(text, kind) {
    status.textContent = text;
    status.className = "status" + (kind ? " " + kind : "");
  }

  async function run() {
    const added = addPrefixes();
    const text = editor.value;
    updateLinks(text);
    history.replaceState(null, "", "/?query=" + encodeURIComponent(text));
    setStatus("Running…", "running");
    results.replaceChildren();
    const started = performance.now();
    const headers = { Accept: "application/sparql-results+json, text/turtle;q=0.9, text/plain;q=0.1" };
    let response;
    try {
      if (text.length > GET_LIMIT) {
        headers["Content-Type"] = "application/x-www-form-urlencoded";
        response = await fetch("/sparql", { method: "POST", headers, body: "query=" + encodeURIComponent(text) });
      } else {
        response = await fetch("/sparql?query=" + encodeURIComponent(text), { headers });
      }
    } catch (err) {
      setStatus("The server did not answer: " + err, "error");
      return;
    }
    const seconds = ((performance.now() - started) / 1000).toFixed(2);
    const type = response.headers.get("Content-Type") || "";
    if (!response.ok) {
      const message = await response.text();
      setStatus("Error " + response.status + ": " + message, "error");
      markError(message);
      return;
    }
    const note = added ? " (added " + added + " missing prefix declaration" + (added > 1 ? "s" : "") + ")" : "";
    if (type.includes("json")) {
      const json = await response.json();
      if (typeof json.boolean === "boolean") {
        results.replaceChildren(el("p", { class: "boolean", id: "results-boolean" }, String(json.boolean)));
        setStatus("ASK answered in " + seconds + " s" + note, "ok");
        return;
      }
      const count = drawTable(json);
      const shown = count > MAX_ROWS ? " (first " + MAX_ROWS + " shown; download for all)" : "";
      setStatus(count + " result" + (count === 1 ? "" : "s") + " in " + seconds + " s" + shown + note, "ok");
    } else {
      results.replaceChildren(el("pre", { class: "rdf", id: "results-rdf" }, await response.text()));
      setStatus("Graph result (" + type.split(";")[0] + ") in " + seconds + " s" + note, "ok");
    }
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    run();
  });
  document.getElementById("add-prefixes").addEventListener("click", () => {
    const n = addPrefixes();
    setStatus(n ? "Added " + n + " prefix declaration" + (n > 1 ? "s" : "") : "Every prefix used is declared", "ok");
  });
  editor.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      run();
    } else if (event.key === "Tab" && !event.shiftKey) {
      event.preventDefault(); // indent instead of leaving the editor
      editor.setRangeText("  ", editor.selectionStart, editor.selectionEnd, "end");
    }
  });
  // The editor grows with its text (between 10 and 40 lines): no scrolling inside a short query.
  function fit() {
    editor.rows = Math.max(10, Math.min(40, editor.value.split("\n").length + 2));
  }
  editor.addEventListener("input", () => {
    updateLinks(editor.value);
    fit();
  });
  updateLinks(editor.value); // the server leaves a long query out of the links: fill them here
  document.querySelectorAll("button.example").forEach((button) => {
    button.addEventListener("click", () => {
      const name = button.dataset.name;
      const example = data.examples.find((e) => e.name === name);
      editor.value = example ? example.sparql : data.default;
      fit();
      updateLinks(editor.value);
      editor.focus();
      run().then(() => {
        if (example && example.parameters.length) {
          status.textContent += " — parameters " + example.parameters.map((p) => "?" + p).join(", ") +
            " are unbound here (bind them at /queries/" + name + ")";
        }
      });
    });
  });
  fit();
  if (data.autorun) run();
})();
