// The organiser's board, live: the server sends the whole board at each change (server-sent events);
// this script updates the rows in place and puts them in ranking order. EventSource reconnects by itself.
(function () {
  "use strict";

  var status = document.getElementById("board-status");
  var rows = document.getElementById("board-rows");
  followDevices(document.getElementById("device-rows"));
  if (!status || !window.EventSource) { return; }

  function message(name) { return status.getAttribute("data-msg-" + name) || ""; }

  // One decimal in the page's language, as the server writes it (pitchday/numbers.py): 60,0 / 60.0.
  var tenths = new Intl.NumberFormat(document.documentElement.lang || "fr", { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  function dash(value) { return value === null || value === undefined ? "—" : tenths.format(value); }

  function setField(row, name, text) {
    var cell = row.querySelector('[data-field="' + name + '"]');
    if (cell && cell.firstChild && cell.firstChild.nodeType === Node.TEXT_NODE) {
      cell.firstChild.nodeValue = text;
    } else if (cell) {
      cell.insertBefore(document.createTextNode(text), cell.firstChild);
    }
  }

  function update(board) {
    if (!rows) { window.location.reload(); return; }  // the first published schedule: draw the table
    board.pitches.forEach(function (pitch) {
      var row = rows.querySelector('tr[data-pitch="' + pitch.id + '"]');
      if (!row) { return; }
      setField(row, "rank", pitch.rank ? String(pitch.rank) : "—");
      setField(row, "scored", pitch.scored.join(", "));
      setField(row, "waiting", pitch.partial.concat(pitch.missing).join(", "));
      setField(row, "corrected", dash(pitch.corrected));
      setField(row, "raw", dash(pitch.raw));
      setField(row, "median", dash(pitch.median));
      setField(row, "spread", dash(pitch.spread) + " ");
      row.querySelector('[data-field="disagreement"]').hidden = !pitch.disagreement;
      setField(row, "lock-state", message(pitch.locked ? "locked" : "open"));
      row.querySelector('form[data-lock="1"]').hidden = pitch.locked;
      row.querySelector('form[data-lock="0"]').hidden = !pitch.locked;
      rows.appendChild(row);  // in the server's ranking order
    });
  }

  // The server ends each stream after a while, and at once when its process has enough of them open
  // (the board is then polled every few seconds): EventSource reports an "error" each time before
  // reconnecting, so the board says the connection is lost only if it stays lost.
  var lostTimer = null;
  function connected() {
    window.clearTimeout(lostTimer);
    lostTimer = null;
  }

  var source = new EventSource(status.getAttribute("data-stream"));
  source.addEventListener("open", function () {
    connected();
    // Live from the first connection on (a page drawn fresh gets no board until something changes);
    // a reconnection keeps the "updated at" line.
    if (status.className.indexOf("live") === -1) {
      status.textContent = message("live");
      status.className = "board-status live";
    }
  });
  source.addEventListener("board", function (event) {
    connected();
    // A board older than the page (computed before the lock this page was drawn after) changes nothing.
    if (Number(event.lastEventId) < Number(status.getAttribute("data-version") || 0)) { return; }
    update(JSON.parse(event.data));
    status.setAttribute("data-version", event.lastEventId);
    status.textContent = message("updated").replace("%(time)s", new Date().toLocaleTimeString(document.documentElement.lang));
    status.className = "board-status live";
  });
  source.addEventListener("error", function () {
    if (lostTimer !== null) { return; }
    lostTimer = window.setTimeout(function () {
      status.textContent = message("lost");
      status.className = "board-status lost";
    }, source.readyState === EventSource.CLOSED ? 0 : 10000);
  });

  // The jurors' devices: asked every few seconds (their state changes with time, not only with marks:
  // a tablet that goes silent is offline after a while). The server words each state.
  function followDevices(body) {
    if (!body || !window.fetch) { return; }
    var every = Math.max(1, Number(body.getAttribute("data-poll-seconds")) || 5) * 1000;
    function cell(row, text) {
      var td = document.createElement("td");
      td.textContent = text;
      row.appendChild(td);
      return td;
    }
    function show(devices) {
      var fresh = document.createDocumentFragment();
      devices.forEach(function (device) {
        var row = document.createElement("tr");
        row.className = (device.online ? "online" : "offline") + (device.pending ? " holding" : "");
        cell(row, device.juror);
        cell(row, device.kind + " " + device.device);
        cell(row, device.last_seen);
        cell(row, device.status).setAttribute("data-field", "device-status");
        fresh.appendChild(row);
      });
      if (!devices.length) {
        var empty = document.createElement("tr");
        cell(empty, body.getAttribute("data-msg-none")).colSpan = 4;
        fresh.appendChild(empty);
      }
      body.replaceChildren(fresh);
    }
    function ask() {
      fetch(body.getAttribute("data-url"), { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (answer) { if (answer) { show(answer.devices); } }, function () { /* next time */ })
        .then(function () { window.setTimeout(ask, every); });
    }
    window.setTimeout(ask, every);
  }
})();
