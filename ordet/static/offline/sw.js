// Ordet er dit: the kiosk's service worker. Pages from the network, else the cached Start,
// whose script (offline/kiosk.js) runs the questions from its bundle.
"use strict";
var CACHE = "ordet-offline-1";
self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (e) { e.waitUntil(self.clients.claim()); });
self.addEventListener("fetch", function (e) {
  var request = e.request, url = new URL(request.url);
  if (url.origin !== self.location.origin || (request.method !== "GET" && request.mode !== "navigate")) return;
  if (request.mode === "navigate") {  // a page, or a screen's answer (POST), the server can't take
    if (!/^\/(kiosk|svar)(\/|$)/.test(url.pathname) || /^\/kiosk\/(tilmeld|indstillinger)/.test(url.pathname)) return;
    e.respondWith(fetch(request).then(function (r) {
      if (r.status < 500) return r;
      throw r;  // a gateway's error page: as unreachable
    }).catch(function () {
      return caches.open(CACHE).then(function (c) { return c.match("/kiosk/"); })
        .then(function (found) { return found || Response.error(); });
    }));
  } else if (url.pathname.indexOf("/kiosk/offline/") !== 0) {
    e.respondWith(caches.open(CACHE).then(function (c) {
      return c.match(request).then(function (found) { return found || fetch(request); });
    }));
  }
});
