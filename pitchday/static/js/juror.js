// The juror app: nothing typed is ever lost, and the sheet follows the organiser.
//
// Every change (a mark tapped, a key typed in a text, a box ticked) is written to the tablet's storage
// (localStorage) before any network call, as one item of a queue, with an id made here, the moment
// it was made, and its number among this device's changes (the server keeps a device's changes in that
// order even when the network delivers them out of it). Items are sent one after the other; when the page is left (pagehide, or hidden) all of
// them go at once with fetch(..., {keepalive: true}), and whatever is still in the queue goes again at
// the next page load. The server applies an id once (a resend never counts twice) and keeps, for each
// mark, the change made last (whatever order the items arrive in): see scoring.submit.
//
// An item is never changed once sent (its id stands for its content); until then, more typing in the
// same text updates the same item, so that the queue holds one item per pause, not one per key.
// The texts: the comment (for the organisers) and the feedback for the company (strengths, improvements),
// whose follow-up tick travels the same way.
//
// While a page is shown it asks the server every few seconds for the sheet's stored marks and lock
// (or the day's locks), reporting which device this is and how many items wait here: the organiser's
// board shows it. A service worker (juror-sw.js) keeps every page of the juror for offline use.
(function () {
  "use strict";

  var statusLine = document.getElementById("save-status");
  if (!statusLine || !window.localStorage || !window.fetch) { return; }  // the plain form still works
  var banner = document.getElementById("connection-banner");
  var form = document.querySelector("form.scoring[data-autosave]");
  var csrfMeta = document.querySelector('meta[name="csrf-token"]');
  var csrfToken = csrfMeta ? csrfMeta.getAttribute("content") : "";
  var settings = statusLine.dataset;
  var queueKey = settings.queueKey;
  var pitch = form ? form.getAttribute("data-pitch") : null;
  var DEVICE_KEY = "pitchday-device";
  var ORDER_KEY = "pitchday-change-order";
  // The sheet's texts (name -> where the server's sheet keeps it) and its follow-up tick.
  var TEXTS = { comment: null, strengths: "feedback", improvements: "feedback" };
  var TICK = "follow_up";

  var FIRST_DELAY_MS = 1000;
  var MAX_DELAY_MS = 30000;
  var COMMENT_PAUSE_MS = 700;
  var pollMs = Math.max(1, Number(settings.pollSeconds) || 5) * 1000;
  var retryDelay = FIRST_DELAY_MS;
  var retryTimer = null;
  var sending = false;
  var unreachable = false;
  var wasUnreachable = false;
  var lastRefusal = "";
  var savedOnce = false;
  // When this page last changed or heard back about a change: an answer to a check asked before that
  // may predate the change, and must not show the old marks again (its lock still counts).
  var lastLocalChange = 0;
  var storageFull = false;
  var locked = form ? form.getAttribute("data-locked") === "true" : false;
  var renderedLocked = locked;

  function message(name, count) {
    return (statusLine.getAttribute("data-msg-" + name) || "").replace("%(count)s", String(count));
  }

  // --- The queue, in the tablet's storage ---------------------------------------------------------

  function loadQueue() {
    try { return JSON.parse(localStorage.getItem(queueKey)) || []; } catch (error) { return []; }
  }

  function saveQueue(queue) {
    try {
      localStorage.setItem(queueKey, JSON.stringify(queue));
      storageFull = false;
    } catch (error) {
      storageFull = true;  // the change is kept in memory below and sent as soon as possible
    }
  }

  function newId() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    // crypto.randomUUID needs a secure context; a venue's plain-HTTP LAN may not be one.
    var bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 15) | 64;
    bytes[8] = (bytes[8] & 63) | 128;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
  }

  function deviceId() {
    var id = localStorage.getItem(DEVICE_KEY);
    if (!id) {
      id = newId();
      try { localStorage.setItem(DEVICE_KEY, id); } catch (error) { /* a new id next time: no harm */ }
    }
    return id;
  }

  // The number of a new change on this device: one more than the last, kept with the device's id.
  function nextOrder() {
    var order = (Number(localStorage.getItem(ORDER_KEY)) || 0) + 1;
    try { localStorage.setItem(ORDER_KEY, String(order)); } catch (error) { /* storage full: see saveQueue */ }
    return order;
  }

  function deviceKind() {
    var touch = navigator.maxTouchPoints > 0 || "ontouchstart" in window;
    if (!touch) { return "computer"; }
    return Math.min(screen.width, screen.height) < 600 ? "phone" : "tablet";
  }

  function deviceReport(exclude) {
    return { id: deviceId(), kind: deviceKind(), pending: Math.max(0, loadQueue().length - (exclude || 0)) };
  }

  // A change goes to storage first, then (later) to the network.
  function enqueue(body) {
    var queue = loadQueue();
    queue.push({ client_id: newId(), url: form.getAttribute("data-autosave"), pitch: pitch, body: body,
                 changed_at: Date.now(), order: nextOrder(), sent: false });
    saveQueue(queue);
    lastRefusal = "";
    showStatus();
    flush();
  }

  // A text as typed so far: the unsent item of this text at the end of the queue is brought up to
  // date, or a new one is added. Written at every key, sent after a pause or on leaving.
  function storeText(name, text) {
    var queue = loadQueue();
    var last = queue[queue.length - 1];
    if (last && !last.sent && last.pitch === pitch && Object.keys(last.body).join() === name) {
      last.body[name] = text;
      last.changed_at = Date.now();
      last.order = nextOrder();  // still the last item of the queue: a later number keeps the order
    } else {
      var body = {};
      body[name] = text;
      queue.push({ client_id: newId(), url: form.getAttribute("data-autosave"), pitch: pitch,
                   body: body, changed_at: Date.now(), order: nextOrder(), sent: false });
    }
    saveQueue(queue);
    lastRefusal = "";
    showStatus();
  }

  // Once an item leaves, its content is fixed: a resend carries the same id and the same content.
  function markSent(clientIds) {
    var queue = loadQueue();
    queue.forEach(function (item) { if (clientIds.indexOf(item.client_id) !== -1) { item.sent = true; } });
    saveQueue(queue);
  }

  function drop(clientId) {
    saveQueue(loadQueue().filter(function (item) { return item.client_id !== clientId; }));
  }

  // --- What the juror sees ------------------------------------------------------------------------

  function showStatus() {
    var waiting = loadQueue().length;
    var offline = unreachable || !navigator.onLine;
    statusLine.classList.remove("offline", "refused", "saved", "locked");
    if (storageFull) {
      statusLine.textContent = message("storage-full", 0);
      statusLine.classList.add("refused");
    } else if (lastRefusal) {
      statusLine.textContent = lastRefusal;
      statusLine.classList.add("refused");
    } else if (waiting && offline) {
      statusLine.textContent = message(waiting > 1 ? "offline-many" : "offline-one", waiting);
      statusLine.classList.add("offline");
    } else if (waiting) {
      statusLine.textContent = message("sending", waiting);
    } else if (locked) {
      statusLine.textContent = message("locked", 0);
      statusLine.classList.add("locked");
    } else if (savedOnce) {
      statusLine.textContent = message("saved", 0);
      statusLine.classList.add("saved");
    } else {
      statusLine.textContent = "";
    }
    showBanner(offline, waiting);
  }

  function showBanner(offline, waiting) {
    if (!banner) { return; }
    if (offline) {
      banner.textContent = banner.getAttribute("data-msg-offline");
      banner.className = "connection-banner offline";
      banner.hidden = false;
      wasUnreachable = true;
    } else if (!waiting && wasUnreachable) {
      banner.textContent = banner.getAttribute("data-msg-all-sent");
      banner.className = "connection-banner all-sent";
      banner.hidden = false;
    } else if (waiting) {
      banner.hidden = true;
    }
  }

  // Whether a change of this field (a criterion's id, a text's or the tick's name) still waits here.
  function pendingFor(field) {
    return loadQueue().some(function (item) {
      if (item.pitch !== pitch) { return false; }
      if (item.body[field] !== undefined) { return true; }
      return item.body.scores !== undefined && item.body.scores[field] !== undefined;
    });
  }

  function textFields() {
    return Object.keys(TEXTS).filter(function (name) { return form.elements[name]; });
  }

  function checkMark(criterion, value) {
    var inputs = form.querySelectorAll('input[name="c' + criterion + '"]');
    Array.prototype.forEach.call(inputs, function (input) { input.checked = String(value) === input.value; });
  }

  // The marks and comment as stored on the server, except where a change of this device still waits:
  // a refused mark goes back to the stored one, another device's change shows here.
  function showStored(sheet) {
    if (!form || !sheet || String(sheet.pitch) !== pitch) { return; }
    Array.prototype.forEach.call(form.querySelectorAll("fieldset.criterion"), function (fieldset) {
      var criterion = fieldset.getAttribute("data-criterion");
      if (!pendingFor(criterion)) { checkMark(criterion, sheet.scores[criterion]); }
    });
    textFields().forEach(function (name) {
      var where = TEXTS[name] ? sheet[TEXTS[name]] : sheet;
      var field = form.elements[name];
      if (where && typeof where[name] === "string" && !pendingFor(name) && document.activeElement !== field) {
        field.value = where[name];
      }
    });
    var tick = form.elements[TICK];
    if (tick && sheet.feedback && typeof sheet.feedback[TICK] === "boolean" && !pendingFor(TICK)) {
      tick.checked = sheet.feedback[TICK];
    }
    showLock(sheet.locked);
  }

  function showLock(isLocked) {
    if (!form) { return; }
    if (renderedLocked && !isLocked && navigator.onLine) { window.location.reload(); return; }  // reopened
    locked = isLocked;
    var sheetFields = form.querySelector("fieldset.sheet");
    if (sheetFields) { sheetFields.disabled = isLocked; }
    var notice = document.getElementById("lock-notice");
    if (notice) { notice.hidden = !isLocked; }
    var button = form.querySelector(".save-button");
    if (button) { button.hidden = isLocked; }
    showStatus();
  }

  function showDayLocks(locks) {
    Object.keys(locks || {}).forEach(function (pitchId) {
      var tag = document.querySelector('[data-lock-pitch="' + pitchId + '"]');
      if (tag) { tag.hidden = !locks[pitchId]; }
    });
  }

  // --- Sending ------------------------------------------------------------------------------------

  function payload(item, othersWaiting) {
    return JSON.stringify(Object.assign({ client_id: item.client_id, changed_at: item.changed_at, sent_at: Date.now(),
                                          order: item.order, device: deviceReport(othersWaiting) }, item.body));
  }

  function post(item, keepalive) {
    return fetch(item.url, {
      method: "POST",
      credentials: "same-origin",
      keepalive: !!keepalive,
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrfToken },
      body: payload(item, 1)
    });
  }

  function retryLater() {
    unreachable = true;
    clearTimeout(retryTimer);
    retryTimer = setTimeout(flush, retryDelay);
    retryDelay = Math.min(retryDelay * 2, MAX_DELAY_MS);
  }

  // The answer to one item: gone from the queue once the server has it or has refused it for good.
  function handleAnswer(item, response) {
    if (response.status >= 500 || response.status === 429 || response.status === 408) {
      return Promise.resolve("retry");
    }
    if (response.status === 400) {
      // An expired CSRF token (a page opened from the offline cache, a browser restarted): get a fresh one.
      return checkServer().then(function () { return "retry"; });
    }
    unreachable = false;
    retryDelay = FIRST_DELAY_MS;
    return response.json().catch(function () { return {}; }).then(function (answer) {
      drop(item.client_id);
      lastLocalChange = Date.now();
      if (response.ok) {
        savedOnce = true;
        lastRefusal = "";
        if (answer.superseded && item.pitch === pitch) {
          showStored({ pitch: pitch, scores: answer.scores, comment: answer.comment, feedback: answer.feedback,
                       locked: locked });
        }
        refreshOfflineCopies(item.pitch);
      } else {
        // Refused for good (locked, not on the panel, revoked link): retrying would not help.
        lastRefusal = answer.error || message("refused", 0);
        if (answer.sheet) { showStored(answer.sheet); }
      }
      return "done";
    });
  }

  function flush() {
    if (sending) { return; }
    var queue = loadQueue();
    if (!queue.length) { unreachable = false; showStatus(); return; }
    sending = true;
    var item = queue[0];
    markSent([item.client_id]);
    post(item, false).then(function (response) {
      return handleAnswer(item, response);
    }).then(function (outcome) {
      sending = false;
      if (outcome === "retry") { retryLater(); } else { flush(); }
      showStatus();
    }, function () {
      sending = false;  // no network: keep the item, try again later
      retryLater();
      showStatus();
    });
  }

  // Leaving the page (a link, the home button, a closed tab): everything still here leaves at once, and
  // the browser finishes the requests after the page is gone. The next page load sends them again.
  var sentOnLeave = {};  // pagehide and visibilitychange both come when a page is left: send once
  function flushOnLeave() {
    var queue = loadQueue().filter(function (item) { return !sentOnLeave[item.client_id]; });
    if (!queue.length) { return; }
    markSent(queue.map(function (item) { return item.client_id; }));
    queue.forEach(function (item) {
      sentOnLeave[item.client_id] = true;
      try {
        post(item, true).then(function (response) { return handleAnswer(item, response); })
          .then(showStatus, function () { /* offline: the item waits for the next page */ });
      } catch (error) { /* over the browser's keepalive quota: it goes with the next page */ }
    });
  }

  // --- Following the server -----------------------------------------------------------------------

  var pollTimer = null;
  function checkServer() {
    var asked = Date.now();
    var query = "?device=" + encodeURIComponent(deviceId()) + "&kind=" + deviceKind() +
      "&pending=" + loadQueue().length + (pitch ? "&pitch=" + pitch : "");
    return fetch(settings.stateUrl + query, { credentials: "same-origin", cache: "no-store",
                                             headers: { "Accept": "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(function (answer) {
        var comingBack = unreachable;
        unreachable = false;
        if (answer.csrf_token) { csrfToken = answer.csrf_token; }
        if (answer.poll_seconds) { pollMs = Math.max(1, answer.poll_seconds) * 1000; }
        if (answer.sheet && lastLocalChange < asked) { showStored(answer.sheet); }
        else if (answer.sheet) { showLock(answer.sheet.locked); }
        if (answer.locks) { showDayLocks(answer.locks); }
        if (comingBack || loadQueue().length) { clearTimeout(retryTimer); retryDelay = FIRST_DELAY_MS; flush(); }
        showStatus();
      }, function () {
        unreachable = true;
        showStatus();
      });
  }

  function pollSoon() {
    clearTimeout(pollTimer);
    pollTimer = setTimeout(function () {
      if (document.visibilityState === "visible") {
        checkServer().then(pollSoon);
      } else {
        pollSoon();
      }
    }, pollMs);
  }

  // --- The service worker: every page of the juror opens offline --------------------------------

  function refreshOfflineCopies(pitchId) {
    if (!navigator.serviceWorker || !navigator.serviceWorker.controller) { return; }
    var pages = [settings.home];
    if (form && pitchId === pitch) { pages.push(window.location.pathname); }
    navigator.serviceWorker.controller.postMessage({ type: "refresh", pages: pages });
  }

  function startServiceWorker() {
    if (!navigator.serviceWorker || !settings.workerUrl) { return; }  // plain HTTP on a LAN: storage only
    navigator.serviceWorker.register(settings.workerUrl, { scope: settings.scope }).then(function (registration) {
      var worker = registration.active || registration.waiting || registration.installing;
      if (worker && registration.active) { worker.postMessage({ type: "keep-everything" }); }
    }).catch(function () { /* no offline copies; the queue still keeps every change */ });
  }

  // --- Wiring -------------------------------------------------------------------------------------

  window.addEventListener("online", function () {
    clearTimeout(retryTimer);
    retryDelay = FIRST_DELAY_MS;
    checkServer();  // reports this device at once (what it still holds), then sends it
    flush();
  });
  window.addEventListener("offline", showStatus);
  window.addEventListener("pagehide", flushOnLeave);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") { flushOnLeave(); } else { checkServer(); }
  });

  // The day page is also served at the service worker's scope (…/jury/<token>/): reloaded offline, it opens.
  if (!form && settings.home && window.location.pathname + "/" === settings.home && window.history.replaceState) {
    window.history.replaceState(null, "", settings.home + window.location.search);
  }

  if (form) {
    // What was typed but not yet sent shows again after a reload, over the page (which may come from the
    // offline copy): in the queue's order, so the latest change shows.
    loadQueue().forEach(function (item) {
      if (item.pitch !== pitch) { return; }
      var scores = item.body.scores || {};
      Object.keys(scores).forEach(function (criterion) { checkMark(criterion, scores[criterion]); });
      textFields().forEach(function (name) {
        if (typeof item.body[name] === "string") { form.elements[name].value = item.body[name]; }
      });
      if (form.elements[TICK] && typeof item.body[TICK] === "boolean") { form.elements[TICK].checked = item.body[TICK]; }
    });

    form.addEventListener("change", function (event) {
      var input = event.target;
      if (locked) { return; }
      if (input.name === TICK) { enqueue({ follow_up: input.checked }); return; }
      if (input.type !== "radio") { return; }
      var scores = {};
      scores[input.name.slice(1)] = Number(input.value);
      enqueue({ scores: scores });
    });

    var commentTimer = null;
    textFields().forEach(function (name) {
      form.elements[name].addEventListener("input", function () {
        storeText(name, form.elements[name].value);  // in storage at every key: leaving at once loses nothing
        clearTimeout(commentTimer);
        commentTimer = setTimeout(flush, COMMENT_PAUSE_MS);
      });
    });

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      clearTimeout(commentTimer);
      var scores = {};
      Array.prototype.forEach.call(form.querySelectorAll("input[type=radio]:checked"), function (input) {
        scores[input.name.slice(1)] = Number(input.value);
      });
      var body = { scores: scores };
      // Not the fields the page has closed (the feedback once released to the company): they do not change.
      var open = function (field) { return field && !field.matches(":disabled"); };
      textFields().forEach(function (name) { if (open(form.elements[name])) { body[name] = form.elements[name].value; } });
      if (open(form.elements[TICK])) { body[TICK] = form.elements[TICK].checked; }
      enqueue(body);
    });
    showLock(locked);
  }

  showStatus();
  flush();  // what an earlier page left in the queue goes first, from any page of the juror
  checkServer();
  pollSoon();
  startServiceWorker();
})();
