/* Fieldwork monitor: poll the JSON endpoint and redraw the counts without reloading the page.
   Builds rows with text nodes only (never innerHTML), so school names cannot inject markup.
   Polling pauses while the tab is hidden. */
(function () {
  "use strict";

  var table = document.getElementById("monitor-table");
  if (!table || !window.fetch) { return; }
  var source = table.getAttribute("data-source");
  var interval = parseInt(table.getAttribute("data-interval"), 10) || 5000;
  var status = document.getElementById("monitor-status");
  var timer = null;

  function el(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    if (className) { node.className = className; }
    return node;
  }

  function numberCell(value) {
    return el("td", value === null || value === undefined ? "—" : value, "num");
  }

  function progressCells(tr, p) {
    var sessions = numberCell(p.sessions_opened);
    if (p.sessions_open) {
      sessions.appendChild(document.createTextNode(" "));
      var label = table.getAttribute("data-label-open-now").replace("{count}", p.sessions_open);
      sessions.appendChild(el("span", "(" + label + ")", "muted"));
    }
    tr.appendChild(sessions);
    tr.appendChild(numberCell(p.started));
    tr.appendChild(numberCell(p.finished));
    tr.appendChild(numberCell(p.pupils));
    tr.appendChild(numberCell(p.opt_outs));
    tr.appendChild(numberCell(p.absentees));
    var rate = el("td", null, "num rate");
    if (p.rate_value === null || p.rate_value === undefined) {
      rate.textContent = "—";
    } else {
      var meter = document.createElement("meter");
      meter.min = 0; meter.max = 1; meter.low = 0.6; meter.high = 0.8; meter.optimum = 1;
      meter.value = Math.min(p.rate_value, 1);
      rate.appendChild(meter);
      rate.appendChild(document.createTextNode(" " + p.response_rate));
    }
    tr.appendChild(rate);
  }

  function render(data) {
    var tbody = document.createElement("tbody");
    data.schools.forEach(function (school) {
      var span = Math.max(school.grades.length, 1) + 1;
      var head = el("th", school.name);
      head.scope = "rowgroup";
      head.rowSpan = span;
      if (school.grades.length === 0) {
        var empty = el("tr", null, "school-first");
        empty.appendChild(head);
        var note = el("td", "—", "muted");
        note.colSpan = 8;
        empty.appendChild(note);
        tbody.appendChild(empty);
      }
      school.grades.forEach(function (grade, index) {
        var tr = el("tr", null, index === 0 ? "school-first" : "");
        if (index === 0) { tr.appendChild(head); }
        tr.appendChild(el("td", grade.label));
        progressCells(tr, grade);
        tbody.appendChild(tr);
      });
      var total = el("tr", null, "school-total");
      total.appendChild(el("td", table.getAttribute("data-label-total")));
      progressCells(total, school.total);
      tbody.appendChild(total);
    });
    table.replaceChild(tbody, table.tBodies[0]);

    ["sessions_opened", "started", "finished", "response_rate"].forEach(function (key) {
      var node = document.querySelector('[data-total="' + key + '"]');
      if (node) { node.textContent = data.total[key] === "" ? "—" : data.total[key]; }
    });
    if (status) {
      var time = new Date().toLocaleTimeString(document.documentElement.lang || undefined);
      status.textContent = status.getAttribute("data-updated").replace("{time}", time);
      status.classList.remove("error");
    }
  }

  function schedule() {
    window.clearTimeout(timer);
    timer = window.setTimeout(poll, interval);
  }

  function poll() {
    if (document.hidden) { schedule(); return; }
    window.fetch(source, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) {
        if (response.status === 401) { window.location.reload(); }
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(render)
      .catch(function () {
        if (status) {
          status.textContent = status.getAttribute("data-offline");
          status.classList.add("error");
        }
      })
      .then(schedule);
  }

  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) { poll(); }
  });
  schedule();
}());
