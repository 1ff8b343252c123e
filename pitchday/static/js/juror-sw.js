// The juror's service worker, served at /jury/<token>/sw.js so that its scope is that juror's pages alone.
//
// It keeps a copy of the juror's day, of every sheet of their panel and of the assets they load (the list
// comes from hors-ligne.json), so that any of them opens without a network. Pages are asked of the
// network first (fresh marks and locks), and the copy is used when the network fails or takes too long;
// each page fetched refreshes its copy. Assets carry their content hash in the URL: the copy is used first.
// Marks are never sent from here: the page's queue (juror.js) sends them, and it lives in localStorage.
"use strict";

var SCOPE = self.registration.scope;  // ends with "/"
var CACHE = "pitchday-juror:" + new URL(SCOPE).pathname;
var LIST = SCOPE + "hors-ligne.json";
var NETWORK_WAIT_MS = 4000;  // a venue's Wi-Fi that is "connected" but silent must not hang the page
var NOT_KEPT = ["etat", "hors-ligne.json", "sw.js"];  // live answers: never from a copy

function keep(cache, url) {
  return fetch(url, { credentials: "same-origin", cache: "no-store" }).then(function (response) {
    if (response.ok) { return cache.put(url, response); }
    return undefined;
  }).catch(function () { /* kept at the next try */ });
}

// Every page and asset of the juror; `all`: fetch the pages again even if a copy exists.
function keepEverything(all) {
  return fetch(LIST, { credentials: "same-origin", cache: "no-store" }).then(function (response) {
    if (response.status === 403) { return forget(); }  // the link was revoked: keep nothing of it
    if (!response.ok) { return undefined; }
    return response.json().then(function (list) {
      return caches.open(CACHE).then(function (cache) {
        var assets = list.assets.concat([list.manifest]);
        return Promise.all(list.pages.concat(assets).map(function (url) {
          var isPage = list.pages.indexOf(url) !== -1;
          return cache.match(url).then(function (copy) {
            return copy && !(all && isPage) ? undefined : keep(cache, url);
          });
        }));
      });
    });
  }).catch(function () { /* offline: the copies already kept stay */ });
}

function forget() {
  return caches.delete(CACHE).then(function () { return self.registration.unregister(); });
}

self.addEventListener("install", function (event) {
  event.waitUntil(keepEverything(true).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(self.clients.claim());
});

self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.type === "keep-everything") {
    event.waitUntil(keepEverything(false));
  } else if (data.type === "refresh" && Array.isArray(data.pages)) {
    // After an autosave: the copies of the sheet and of the day show the marks as stored.
    event.waitUntil(caches.open(CACHE).then(function (cache) {
      return Promise.all(data.pages.filter(inScope).map(function (url) { return keep(cache, url); }));
    }));
  }
});

function inScope(url) {
  return new URL(url, SCOPE).href.indexOf(SCOPE) === 0;
}

function pageKey(url) {
  var parsed = new URL(url);
  return parsed.origin + parsed.pathname;  // ?lang=... and the like do not make another page
}

function withTimeout(promise, ms) {
  return new Promise(function (resolve, reject) {
    var timer = setTimeout(function () { reject(new Error("timeout")); }, ms);
    promise.then(function (value) { clearTimeout(timer); resolve(value); },
                 function (error) { clearTimeout(timer); reject(error); });
  });
}

function page(request) {
  var key = pageKey(request.url);
  var network = fetch(request);
  var copyLater = network.then(function (response) {
    if (response.ok) {
      var copy = response.clone();
      return caches.open(CACHE).then(function (cache) { return cache.put(key, copy); });
    }
    return undefined;
  }).catch(function () { return undefined; });
  return withTimeout(network, NETWORK_WAIT_MS).then(function (response) {
    if (response.status >= 500) { throw new Error("server error"); }
    if (response.status === 403 && key === pageKey(SCOPE)) { forget(); }  // the link was revoked
    copyLater.catch(function () { return undefined; });
    return response;
  }).catch(function () {
    return caches.open(CACHE).then(function (cache) {
      return cache.match(key).then(function (copy) {
        return copy || cache.match(SCOPE).then(function (day) { return day || Response.error(); });
      });
    });
  });
}

function asset(request) {
  return caches.open(CACHE).then(function (cache) {
    return cache.match(request).then(function (copy) {
      if (copy) { return copy; }
      return fetch(request).then(function (response) {
        if (response.ok) { cache.put(request, response.clone()); }
        return response;
      });
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }  // autosaves go to the network as they are
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(asset(request));
    return;
  }
  if (!inScope(request.url)) { return; }
  var rest = url.href.slice(SCOPE.length).split("?")[0];
  if (NOT_KEPT.indexOf(rest) !== -1) { return; }
  if (request.mode === "navigate" || rest === "manifest.webmanifest" || rest.indexOf("pitchs/") === 0 || rest === "") {
    event.respondWith(page(request));
  }
});
