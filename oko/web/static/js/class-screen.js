/* Class screen: poll the session's counts and update the numbers in place (text only, never
   markup). Pauses while the tab is hidden; stops once the session is closed. */
(function () {
  "use strict";

  var screen = document.getElementById("class-screen");
  if (!screen || !window.fetch) { return; }
  var source = screen.getAttribute("data-source");
  var INTERVAL = 4000;
  var timer = null;

  function show(name, value) {
    var nodes = document.querySelectorAll('[data-count="' + name + '"]');
    for (var i = 0; i < nodes.length; i++) { nodes[i].textContent = String(value); }
  }

  function poll() {
    timer = null;
    if (document.hidden) { return; }
    fetch(source, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (counts) {
        if (!counts) { schedule(); return; }
        show("started", counts.started);
        show("finished", counts.finished);
        var status = document.querySelector('[data-count="status"]');
        if (status) {
          status.textContent = status.getAttribute("data-label-" + counts.status) || counts.status;
          status.className = "status status-" + counts.status;
        }
        if (counts.status !== "closed") { schedule(); }
      })
      .catch(schedule);
  }

  function schedule() {
    if (timer === null) { timer = window.setTimeout(poll, INTERVAL); }
  }

  document.addEventListener("visibilitychange", function () { if (!document.hidden) { poll(); } });
  schedule();
}());
