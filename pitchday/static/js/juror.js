// Juror scoring: every change is saved as it is made, and kept on the tablet while Wi-Fi is down.
// Changes wait in a queue in localStorage (one item per change, with its client-made id) and are sent
// in order; the server applies an id once, so a retry after a lost answer never counts twice.
(function () {
  "use strict";

  // The status line carries the queue's key and the messages in the page's language.
  var statusLine = document.getElementById("save-status");
  if (!statusLine || !window.localStorage || !window.fetch) { return; }  // the plain form still works
  var form = document.querySelector("form.scoring[data-autosave]");
  var csrfMeta = document.querySelector('meta[name="csrf-token"]');
  var csrfToken = csrfMeta ? csrfMeta.getAttribute("content") : "";
  var queueKey = statusLine.getAttribute("data-queue-key");
  var pitch = form ? form.getAttribute("data-pitch") : null;

  function message(name, count) {
    return (statusLine.getAttribute("data-msg-" + name) || "").replace("%(count)s", String(count));
  }
  var FIRST_DELAY_MS = 1000;
  var MAX_DELAY_MS = 30000;
  var retryDelay = FIRST_DELAY_MS;
  var retryTimer = null;
  var sending = false;
  var unreachable = false;
  var lastRefusal = "";
  var savedOnce = false;

  function loadQueue() {
    try { return JSON.parse(localStorage.getItem(queueKey)) || []; } catch (error) { return []; }
  }

  function saveQueue(queue) { localStorage.setItem(queueKey, JSON.stringify(queue)); }

  function newId() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    // crypto.randomUUID needs a secure context; a venue's plain-HTTP LAN may not be one.
    var bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 15) | 64;
    bytes[8] = (bytes[8] & 63) | 128;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
  }

  function showStatus() {
    var waiting = loadQueue().length;
    statusLine.classList.remove("offline", "refused", "saved");
    if (lastRefusal) {
      statusLine.textContent = lastRefusal;
      statusLine.classList.add("refused");
    } else if (waiting && (unreachable || !navigator.onLine)) {
      statusLine.textContent = message(waiting > 1 ? "offline-many" : "offline-one", waiting);
      statusLine.classList.add("offline");
    } else if (waiting) {
      statusLine.textContent = message("sending", waiting);
    } else if (savedOnce) {
      statusLine.textContent = message("saved", 0);
      statusLine.classList.add("saved");
    }
  }

  function enqueue(body) {
    var queue = loadQueue();
    queue.push({ client_id: newId(), url: form.getAttribute("data-autosave"), pitch: pitch, body: body });
    saveQueue(queue);
    lastRefusal = "";
    showStatus();
    flush();
  }

  function dropFirst(clientId) {
    saveQueue(loadQueue().filter(function (item) { return item.client_id !== clientId; }));
  }

  function retryLater() {
    unreachable = true;
    clearTimeout(retryTimer);
    retryTimer = setTimeout(flush, retryDelay);
    retryDelay = Math.min(retryDelay * 2, MAX_DELAY_MS);
  }

  function send(item) {
    var payload = Object.assign({ client_id: item.client_id }, item.body);
    return fetch(item.url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrfToken },
      body: JSON.stringify(payload)
    });
  }

  function flush() {
    if (sending) { return; }
    var queue = loadQueue();
    if (!queue.length) { unreachable = false; showStatus(); return; }
    sending = true;
    var item = queue[0];
    send(item).then(function (response) {
      sending = false;
      if (response.status >= 500 || response.status === 429 || response.status === 408) {
        retryLater();
        showStatus();
        return;
      }
      unreachable = false;
      retryDelay = FIRST_DELAY_MS;
      dropFirst(item.client_id);
      if (response.ok) {
        savedOnce = true;
        flush();
        return;
      }
      // Refused for good (locked, not on the panel, revoked link): retrying would not help.
      response.json().catch(function () { return {}; }).then(function (answer) {
        lastRefusal = answer.error || message("refused", 0);
        showStatus();
        flush();
      });
    }, function () {
      sending = false;  // no network: keep the item, try again later
      retryLater();
      showStatus();
    });
  }

  window.addEventListener("online", function () {
    clearTimeout(retryTimer);
    retryDelay = FIRST_DELAY_MS;
    flush();
  });
  window.addEventListener("offline", showStatus);
  flush();  // what an earlier page left in the queue goes first, from any page of the juror

  if (!form) { return; }

  // What was typed but not yet sent shows again after a reload.
  loadQueue().forEach(function (item) {
    if (item.pitch !== pitch) { return; }
    var scores = item.body.scores || {};
    Object.keys(scores).forEach(function (criterion) {
      var input = form.querySelector('input[name="c' + criterion + '"][value="' + scores[criterion] + '"]');
      if (input) { input.checked = true; }
    });
    if (typeof item.body.comment === "string") { form.elements.comment.value = item.body.comment; }
  });

  form.addEventListener("change", function (event) {
    var input = event.target;
    if (input.type !== "radio") { return; }
    var scores = {};
    scores[input.name.slice(1)] = Number(input.value);
    enqueue({ scores: scores });
  });

  var commentTimer = null;
  form.elements.comment.addEventListener("input", function () {
    clearTimeout(commentTimer);
    commentTimer = setTimeout(function () { enqueue({ comment: form.elements.comment.value }); }, 700);
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    clearTimeout(commentTimer);
    var scores = {};
    Array.prototype.forEach.call(form.querySelectorAll("input[type=radio]:checked"), function (input) {
      scores[input.name.slice(1)] = Number(input.value);
    });
    enqueue({ scores: scores, comment: form.elements.comment.value });
  });

})();
