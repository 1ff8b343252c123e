// The version grid drawn to time, and moving a pitch by dragging it.
//
// Each item of a day carries its first and last minute (data-start, data-end); the day's columns get one
// grid row per minute and each item its rows, here, because the site's content security policy forbids
// inline styles (setting them through the DOM is allowed). Without this script the grid still reads in
// time order, room by room.
//
// A dropped pitch is sent to the same address as the keyboard form ("Déplacer un pitch"), which checks the
// move against every hard rule: it is refused with the reasons, shown where the pitch was dropped, or
// made as a new draft, which the page then opens. The form keeps the values of the last drop.
(function () {
  "use strict";

  var grids = document.querySelectorAll(".time-grid");
  if (!grids.length) { return; }

  function minutesOf(element, name) { return Number(element.getAttribute(name)); }

  function clock(minutes) {
    var hours = Math.floor(minutes / 60), rest = minutes % 60;
    return (hours < 10 ? "0" : "") + hours + ":" + (rest < 10 ? "0" : "") + rest;
  }

  // Lines of the grid: line 1 is the day's first minute.
  function placeRows(element, dayStart, from, to) {
    element.style.gridRow = (from - dayStart + 1) + " / " + (Math.max(to, from + 1) - dayStart + 1);
  }

  Array.prototype.forEach.call(grids, function (grid) {
    var start = minutesOf(grid, "data-start"), minutes = minutesOf(grid, "data-end") - start;
    grid.querySelectorAll(".room-column, .time-marks").forEach(function (column) {
      column.style.gridTemplateRows = "repeat(" + minutes + ", var(--minute))";
    });
    grid.querySelectorAll(".grid-item, .grid-break, .time-marks li").forEach(function (item) {
      placeRows(item, start, minutesOf(item, "data-start"), minutesOf(item, "data-end"));
    });
    if (grid.hasAttribute("data-now")) {
      var now = minutesOf(grid, "data-now");
      grid.querySelectorAll(".room-column").forEach(function (column) {
        var line = document.createElement("li");
        line.className = "now-line";
        line.setAttribute("aria-hidden", "true");
        placeRows(line, start, now, now + 1);
        column.appendChild(line);
      });
    }
    grid.classList.add("timed");
    var scroller = grid.closest(".grid-scroll");
    if (grid.hasAttribute("data-now") && scroller && scroller.scrollHeight > scroller.clientHeight) {
      // On the day, today's grid opens at the present moment (a little before it).
      var column = grid.querySelector(".room-column");
      var perMinute = column ? column.getBoundingClientRect().height / minutes : 0;
      scroller.scrollTop = Math.max(0, (minutesOf(grid, "data-now") - start - 20) * perMinute);
    }
  });

  var form = document.getElementById("move-form");
  if (!form || !window.fetch || !window.FormData) { return; }  // reading only, or an old browser: the form stays

  function message(name) { return form.getAttribute("data-msg-" + name) || ""; }

  function setField(name, value) {
    var field = form.elements.namedItem(name);
    if (field) { field.value = value; }
  }

  // The keyboard way: "Déplacer…" on a pitch fills the form with where it is and goes to the time field.
  document.querySelectorAll(".move-link").forEach(function (link) {
    link.addEventListener("click", function (clicked) {
      var card = link.closest(".session");
      clicked.preventDefault();
      setField("pitch", card.getAttribute("data-pitch"));
      setField("day", card.getAttribute("data-date"));
      setField("start", card.getAttribute("data-start"));
      setField("room", card.getAttribute("data-room"));
      form.scrollIntoView({block: "center"});
      form.elements.namedItem("start").focus();
    });
  });

  var dragged = null, grabOffset = 0, indicator = null;

  function minuteAt(column, clientY) {
    var grid = column.closest(".time-grid");
    var start = minutesOf(grid, "data-start"), end = minutesOf(grid, "data-end");
    var step = minutesOf(grid, "data-step") || 5;
    var box = column.getBoundingClientRect();
    var perMinute = box.height / (end - start);
    var top = start + (clientY - grabOffset - box.top) / perMinute;
    var snapped = Math.round(top / step) * step;
    return Math.min(Math.max(snapped, 0), 24 * 60 - step);
  }

  function clearIndicator() {
    if (indicator && indicator.parentNode) { indicator.parentNode.removeChild(indicator); }
    indicator = null;
  }

  function clearRefusals() {
    document.querySelectorAll(".drop-refusal").forEach(function (old) { old.parentNode.removeChild(old); });
  }

  function showIndicator(column, minute) {
    var dayStart = minutesOf(column.closest(".time-grid"), "data-start");
    if (!indicator) {
      indicator = document.createElement("li");
      indicator.className = "drop-indicator";
      indicator.setAttribute("aria-hidden", "true");
      indicator.appendChild(document.createElement("span"));
    }
    if (indicator.parentNode !== column) { column.appendChild(indicator); }
    placeRows(indicator, dayStart, Math.max(minute, dayStart), Math.max(minute, dayStart) + 1);
    indicator.firstChild.textContent = clock(minute);
  }

  // The answer where the pitch was dropped: the reasons of a refusal (role=alert, read out at once).
  function showRefusal(column, minute, reasons) {
    clearRefusals();
    var dayStart = minutesOf(column.closest(".time-grid"), "data-start");
    var box = document.createElement("li");  // a list item of the room's list, holding the alert
    box.className = "drop-refusal refusal";
    var alert = document.createElement("div");
    alert.setAttribute("role", "alert");
    box.appendChild(alert);
    var headline = document.createElement("p");
    var strong = document.createElement("strong");
    strong.textContent = message("refused") + " " + clock(minute);
    headline.appendChild(strong);
    alert.appendChild(headline);
    var list = document.createElement("ul");
    reasons.forEach(function (reason) {
      var item = document.createElement("li");
      item.textContent = reason;
      list.appendChild(item);
    });
    alert.appendChild(list);
    var close = document.createElement("button");
    close.type = "button";
    close.textContent = message("close");
    close.addEventListener("click", function () { box.parentNode.removeChild(box); });
    box.appendChild(close);
    placeRows(box, dayStart, Math.max(minute, dayStart), Math.max(minute, dayStart) + 1);
    column.appendChild(box);
  }

  function send(card, column, minute) {
    var grid = column.closest(".time-grid");
    setField("pitch", card.getAttribute("data-pitch"));
    setField("day", grid.getAttribute("data-date"));
    setField("start", clock(minute));
    setField("room", column.getAttribute("data-room"));
    card.setAttribute("aria-busy", "true");
    fetch(form.action, {
      method: "POST", body: new FormData(form), credentials: "same-origin",
      headers: {"Accept": "application/json"}
    })
      .then(function (response) {
        return response.json().then(function (answer) { return {ok: response.ok, answer: answer}; });
      })
      .then(function (reply) {
        if (reply.ok && reply.answer.url) {
          window.location.assign(reply.answer.url);
          return;
        }
        card.removeAttribute("aria-busy");
        showRefusal(column, minute, reply.answer.reasons || [message("failed")]);
      })
      .catch(function () {
        card.removeAttribute("aria-busy");
        showRefusal(column, minute, [message("failed")]);
      });
  }

  document.querySelectorAll('.session[draggable="true"]').forEach(function (card) {
    card.addEventListener("dragstart", function (started) {
      dragged = card;
      grabOffset = started.clientY - card.getBoundingClientRect().top;
      started.dataTransfer.effectAllowed = "move";
      started.dataTransfer.setData("text/plain", card.getAttribute("data-pitch"));
      card.classList.add("dragging");
      clearRefusals();
    });
    card.addEventListener("dragend", function () {
      card.classList.remove("dragging");
      clearIndicator();
      dragged = null;
    });
  });

  document.querySelectorAll(".room-column").forEach(function (column) {
    column.addEventListener("dragover", function (over) {
      if (!dragged) { return; }
      over.preventDefault();  // this column accepts the drop
      over.dataTransfer.dropEffect = "move";
      showIndicator(column, minuteAt(column, over.clientY));
    });
    column.addEventListener("drop", function (dropped) {
      if (!dragged) { return; }
      dropped.preventDefault();
      var card = dragged, minute = minuteAt(column, dropped.clientY);
      clearIndicator();
      send(card, column, minute);
    });
  });
})();
