/* PitchDay public pages: instant agenda filters, and the "now / next" blocks that follow the published schedule.
   Everything works without this file; it only saves reloads. */
(function () {
  "use strict";

  /* Agenda: the same filters as the form's query string, applied at once. */
  function setUpAgendaFilter(form) {
    var sector = form.elements.secteur;
    var room = form.elements.salle;
    var submit = form.querySelector("[data-filter-submit]");
    if (submit) { submit.hidden = true; }

    function apply() {
      var anyShown = false;
      document.querySelectorAll("[data-agenda-day]").forEach(function (day) {
        var dayShown = false;
        day.querySelectorAll("li.pitch").forEach(function (item) {
          var keep = (!sector.value || item.dataset.sector === sector.value) &&
                     (!room.value || item.dataset.room === room.value);
          item.hidden = !keep;
          dayShown = dayShown || keep;
        });
        day.hidden = !dayShown;
        anyShown = anyShown || dayShown;
      });
      var empty = document.querySelector("[data-agenda-empty]");
      if (empty) { empty.hidden = anyShown; }
      var status = document.querySelector("[data-filter-status]");
      if (status) {
        var count = document.querySelectorAll("[data-agenda-day] li.pitch:not([hidden])").length;
        status.textContent = count === 1 ? status.dataset.labelOne
                                         : status.dataset.labelMany.replace("{n}", String(count));
      }
      var query = new URLSearchParams();
      if (sector.value) { query.set("secteur", sector.value); }
      if (room.value) { query.set("salle", room.value); }
      var search = query.toString();
      history.replaceState(null, "", location.pathname + (search ? "?" + search : ""));
    }

    sector.addEventListener("change", apply);
    room.addEventListener("change", apply);
  }

  /* Now / next: poll the small JSON feed with If-None-Match; redraw a room only when it changed. */
  function setUpLive(container) {
    var feed = container.dataset.liveFeed;
    var seconds = window.pitchdayPollSeconds || Number(container.dataset.pollSeconds) || 20;
    var etag = null;
    var drawn = {};

    function paragraph(className, text) {
      var p = document.createElement("p");
      p.className = className;
      p.textContent = text;
      return p;
    }

    function pitchNodes(pitch) {
      var time = paragraph("slot-time", pitch.start + "–" + pitch.end);
      if (pitch.day) {
        var day = document.createElement("span");
        day.className = "slot-day";
        day.textContent = " · " + pitch.day;
        time.appendChild(day);
      }
      return [time, paragraph("slot-company", pitch.company), paragraph("slot-city", pitch.city),
              paragraph("slot-title", pitch.title)];
    }

    function fill(slot, nodes) {
      while (slot.firstChild) { slot.removeChild(slot.firstChild); }
      nodes.forEach(function (node) { slot.appendChild(node); });
    }

    function draw(room) {
      var section = container.querySelector('[data-room="' + CSS.escape(room.key) + '"]');
      if (!section) { return; }
      var signature = JSON.stringify([room.current, room.next, room.in_break, room.break]);
      if (drawn[room.key] === signature) { return; }
      drawn[room.key] = signature;
      var current;
      if (room.current) {
        current = pitchNodes(room.current);
      } else if (room.in_break) {
        current = [paragraph("slot-empty slot-break", room.break_title)];  // worded by the server
      } else {
        current = [paragraph("slot-empty", container.dataset.labelIdle)];
      }
      fill(section.querySelector('[data-slot="current"]'), current);
      fill(section.querySelector('[data-slot="next"]'),
           room.next ? pitchNodes(room.next) : [paragraph("slot-empty", container.dataset.labelDone)]);
    }

    function show(state) {
      document.querySelectorAll("[data-live-clock]").forEach(function (el) { el.textContent = state.clock; });
      document.querySelectorAll("[data-live-today]").forEach(function (el) { el.textContent = state.today; });
      state.rooms.forEach(draw);
    }

    function poll() {
      var headers = etag ? { "If-None-Match": etag } : {};
      fetch(feed, { headers: headers, cache: "no-store", credentials: "same-origin" })
        .then(function (response) {
          if (response.status === 200) {
            etag = response.headers.get("ETag");
            return response.json().then(show);
          }
          return null;  /* 304: nothing changed; anything else: try again next time */
        })
        .catch(function () { /* weak Wi-Fi: keep what is shown */ })
        .then(function () { window.setTimeout(poll, seconds * 1000); });
    }

    poll();
  }

  document.querySelectorAll("[data-agenda-filter]").forEach(setUpAgendaFilter);
  document.querySelectorAll("[data-live-feed]").forEach(setUpLive);
}());
