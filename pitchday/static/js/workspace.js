// The planning workspace: follow a background solve once a second, and stop it without leaving the page.
(function () {
  "use strict";

  var panel = document.getElementById("solve-progress");
  if (!panel) {
    return;
  }
  var statusUrl = panel.getAttribute("data-status-url");

  function show(name, text) {
    var field = panel.querySelector('[data-field="' + name + '"]');
    if (field) {
      field.textContent = text;
    }
  }

  // Figures in the page's language, as the server writes them (pitchday/numbers.py): 16,8 % / 16.8%.
  var lang = document.documentElement.lang || "fr";
  var whole = new Intl.NumberFormat(lang);
  var tenths = new Intl.NumberFormat(lang, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  var share = new Intl.NumberFormat(lang, { style: "percent", minimumFractionDigits: 1, maximumFractionDigits: 1 });

  function render(state) {
    show("status", state.status_label || state.status);
    show("best_score", state.best_score === null ? "—" : whole.format(state.best_score));
    show("best_bound", state.best_bound === null ? "—" : whole.format(state.best_bound));
    show("gap", state.gap === null ? "—" : share.format(state.gap));
    show("elapsed", tenths.format(state.elapsed));
    show("message", state.message || "");
    show("worker_label", state.worker_label || "");
    if (!state.active) {
      var stop = document.getElementById("stop-form");
      if (stop) {
        stop.hidden = true;
      }
      if (state.version_url) {
        var link = document.getElementById("job-version-link");
        link.href = state.version_url;
        panel.querySelector('[data-field="version"]').hidden = false;
      }
      panel.setAttribute("data-active", "false");
      // The list of versions below has a new line: load it.
      window.location.reload();
    }
  }

  function poll() {
    fetch(statusUrl, {headers: {"Accept": "application/json"}, credentials: "same-origin"})
      .then(function (response) { return response.json(); })
      .then(function (state) {
        render(state);
        if (state.active) {
          window.setTimeout(poll, 1000);
        }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }

  var stopForm = document.getElementById("stop-form");
  if (stopForm) {
    stopForm.addEventListener("submit", function (submitted) {
      submitted.preventDefault();
      var token = stopForm.querySelector('input[name="csrf_token"]').value;
      fetch(stopForm.action, {method: "POST", credentials: "same-origin",
                              headers: {"Accept": "application/json", "X-CSRFToken": token}})
        .then(function () { show("status", "…"); });
    });
  }

  if (panel.getAttribute("data-active") === "true") {
    poll();
  }
})();
