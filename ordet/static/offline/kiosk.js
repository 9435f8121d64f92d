// The kiosk offline: questions from the server-rendered bundle; each response waits in
// IndexedDB sealed to the server's key (AES-GCM, RSA-OAEP) until acknowledged.
(() => {
"use strict";
if (!window.indexedDB || !window.crypto || !crypto.subtle || !window.caches || !window.AbortController || !HTMLFormElement.prototype.requestSubmit) return;
var CACHE = "ordet-offline-1", BUNDLE = "/kiosk/offline/pakke", DONE = [200, 201, 202, 409];
var B = null, S = null, active = false, lastDone = 0, large = null, timers = [];
var me = document.currentScript, root = document.documentElement;
var state = me && me.getAttribute("data-state") ? JSON.parse(me.getAttribute("data-state")) : {};

// The outbox: {id, open, key, iv, data}; nothing readable, no time.
function store(mode, work) {
  return new Promise((resolve, reject) => {
    var open = indexedDB.open("ordet-offline", 1);
    open.onupgradeneeded = () => { open.result.createObjectStore("outbox", { keyPath: "id" }); };
    open.onerror = () => { reject(open.error); };
    open.onsuccess = () => {
      var tx = open.result.transaction("outbox", mode), result = work(tx.objectStore("outbox"));
      tx.oncomplete = () => { open.result.close(); resolve(result && result.result); };
      tx.onerror = () => { reject(tx.error); };
    };
  });
}
function all() { return store("readonly", (s) => { return s.getAll(); }); }
function write(op, arg) { return store("readwrite", (o) => { return o[op](arg); }); }
function b64(buf) { return btoa(String.fromCharCode.apply(null, new Uint8Array(buf))); }
function monday() {
  var d = new Date(), pad = (n) => { return (n < 10 ? "0" : "") + n; };
  d.setDate(d.getDate() - (d.getDay() + 6) % 7);
  return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate());
}
function seal(content) {
  var raw = Uint8Array.from(atob(B.key), (c) => { return c.charCodeAt(0); });
  var iv = crypto.getRandomValues(new Uint8Array(12)), aes;
  return crypto.subtle.generateKey({ name: "AES-GCM", length: 256 }, true, ["encrypt"]).then((k) => {
    aes = k;
    return crypto.subtle.encrypt({ name: "AES-GCM", iv: iv }, aes, new TextEncoder().encode(JSON.stringify(content)));
  }).then((data) => {
    return Promise.all([data, crypto.subtle.exportKey("raw", aes),
      crypto.subtle.importKey("spki", raw, { name: "RSA-OAEP", hash: "SHA-256" }, false, ["encrypt"])]);
  }).then((r) => {
    return crypto.subtle.encrypt({ name: "RSA-OAEP" }, r[2], r[1]).then((key) => {
      return { id: content.id, key: b64(key), iv: b64(iv), data: b64(r[0]) };
    });
  });
}
var chain = Promise.resolve();
function keep(complete, open) {  // this respondent's answers, sealed
  var s = S, content = { id: s.id, round: B.round, questionnaire: B.questionnaire, version: B.version,
    language: s.lang, answers: s.answers, complete: complete, week: monday(), draft: s.draft };
  chain = chain.then(() => {
    if (!complete && !Object.keys(s.answers).length) {
      return write("delete", s.id);
    }
    return seal(content).then((sealed) => {
      sealed.open = open;
      return write("put", sealed);
    });
  }).catch(() => {});
  return chain;
}
var flushing = false;
function flush() {
  if (flushing || !navigator.onLine) return report();
  flushing = true;
  return all().then((items) => {
    return items.filter((i) => { return !i.open; }).reduce((p, item) => {
      return p.then(() => {
        return post("/kiosk/offline/svar", { id: item.id, key: item.key, iv: item.iv, data: item.data })
          .then((r) => {
            if (DONE.indexOf(r.status) >= 0) return write("delete", item.id);
          });
      });
    }, Promise.resolve());
  }).catch(() => {}).then(() => {
    flushing = false;
    return report(true);
  });
}
function post(url, body) {
  return fetch(url, { method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body) });
}
function report(send) {
  return all().then((items) => {
    var waiting = items.filter((i) => { return !i.open; }).length;
    var mark = document.querySelector("[data-offline-waiting]");
    if (mark) {
      mark.hidden = !waiting;
      mark.textContent = (mark.getAttribute("data-offline-waiting") || "%n").replace("%n", waiting);
    }
    if (send && navigator.onLine) return post("/kiosk/offline/status", { waiting: waiting }).catch(() => {});
  });
}

// The screens, from the bundle.
function visible(answers) {
  return B.questions.filter((q) => {
    return !q.show_if || q.show_if[1].indexOf(answers[q.show_if[0]]) >= 0;
  });
}
function prune(answers) {
  var shown = {};
  visible(answers).forEach((q) => { shown[q.key] = true; });
  Object.keys(answers).forEach((k) => { if (!shown[k]) delete answers[k]; });
  return answers;
}
function swap(html) {
  var doc = new DOMParser().parseFromString(html, "text/html"), body = document.body;
  timers.forEach(clearTimeout); timers = [];
  document.title = doc.title;
  root.lang = doc.documentElement.lang;
  if (large !== null) root.classList.toggle("large-text", large);
  Array.from(body.attributes).forEach((a) => { body.removeAttribute(a.name); });
  Array.from(doc.body.attributes).forEach((a) => { body.setAttribute(a.name, a.value); });
  body.innerHTML = doc.body.innerHTML;
  var focus = body.querySelector("[data-autofocus]");
  if (focus) focus.focus();
  body.querySelectorAll("[data-speak]").forEach((b) => {
    if (b.getAttribute("data-audio") || "speechSynthesis" in window) b.hidden = false;
  });
  var idle = +body.getAttribute("data-idle"), back = +body.getAttribute("data-return-after");
  if (idle > 0) watchIdle(idle, +body.getAttribute("data-warning"));
  if (back > 0) timers.push(setTimeout(start, back * 1000));
  report();
}
function screen(name) { return B.screens[S ? S.lang : ""][name]; }
function start() {  // online, Start is the server's once nothing waits
  S = null;
  if (!navigator.onLine) return swap(B.screens[""].start);
  flush().then(all).then((left) => {
    if (left.length) swap(B.screens[""].start); else location.replace("/kiosk/");
  });
}
function question(position) {
  var shown = visible(S.answers), q = shown[position - 1], total = shown.length;
  // as online: the longest way an answer leads
  for (const [, v] of screen(q.key).matchAll(/name="value" id="[^"]*" value="([^"]*)"/g))
    total = Math.max(total, visible({ ...S.answers, [q.key]: v }).length);
  S.pos = position;
  swap(screen((position === total && screen("last:" + q.key) ? "last:" : "") + q.key)
    .replace(/9991/g, position).replace(/9992/g, total));
  var value = S.answers[q.key], box = document.querySelector("textarea");
  if (box) box.value = value || "";
  else if (value) document.querySelector('input[name=value][value="' + value + '"]').checked = true;
}
function answer(form, action) {
  var key = form.querySelector("[name=question]").value, box = form.querySelector("textarea");
  var picked = form.querySelector("input[name=value]:checked");
  var raw = box ? box.value.replace(/\r\n/g, "\n").trim() : picked && picked.value;
  var answers = Object.assign({}, S.answers);
  if (action === "skip" || (box && !raw)) delete answers[key];
  else if (raw) answers[key] = raw;
  else if (action === "next") return refuse(form);
  S.answers = prune(answers);
  if (action === "back") {
    if (S.pos > 1) question(S.pos - 1); else swap(screen("intro"));
  } else if (S.pos < visible(S.answers).length) question(S.pos + 1);
  else return finish();
  keep(false, true);
}
function refuse(form) {
  var old = form.querySelector(".error"), note = document.createElement("p");
  if (old) old.remove();
  note.className = "error"; note.setAttribute("role", "alert"); note.textContent = screen("no_choice");
  var tools = form.querySelector(".q-tools");
  if (tools) tools.after(note); else form.prepend(note);
}
function finish() {
  var now = Date.now();
  if (lastDone && now - lastDone < B.min_gap * 1000) return swap(screen("wait"));
  lastDone = now;
  return keep(true, false).then(() => { swap(screen("thanks")); S = null; flush(); });
}
function reset() {
  if (S) keep(false, false);
  chain.then(flush);
  start();
}
function watchIdle(idle, warning) {
  var dialog = document.getElementById("idle-dialog"), tick;
  function wait() {
    timers.forEach(clearTimeout); timers = [setTimeout(warn, idle * 1000)];
  }
  function warn() {
    var left = warning, counter = dialog.querySelector("[data-countdown]");
    if (dialog.showModal) dialog.showModal(); else dialog.setAttribute("open", "");
    tick = setInterval(() => {
      counter.textContent = --left;
      if (left <= 0) { clearInterval(tick); if (dialog.close) dialog.close(); reset(); }
    }, 1000);
  }
  dialog.querySelector("[data-more-time]").addEventListener("click", () => {
    clearInterval(tick); if (dialog.close) dialog.close(); wait();
  });
  ["pointerdown", "keydown", "input"].forEach((n) => { document.body.addEventListener(n, wait, { passive: true }); });
  wait();
}

// Taking over: the network is gone, or a request failed.
function offline() { return B && (active || !navigator.onLine); }
function adopt() {  // one who began online goes on here
  if (S || !state.lang) return;
  var m = /\/svar\/(\d+)/.exec(location.pathname);
  S = { id: state.draft || newId(), lang: state.lang, answers: state.answers || {}, draft: state.draft || null, pos: m ? +m[1] : 0 };
  state = {};  // once: the next person starts with nothing of this one
}
function newId() { return b64(crypto.getRandomValues(new Uint8Array(18))).replace(/\+/g, "-").replace(/\//g, "_"); }
var again = null;
document.addEventListener("submit", (e) => {
  var form = e.target, action = e.submitter ? e.submitter.value : "next";
  if (!B || form === again) return;
  e.preventDefault();
  if (offline()) return handle(form, action);
  send(form, e.submitter).catch(() => { active = true; handle(form, action); });
}, true);
// No reply in 6 s, or a 5xx: the screen goes on offline.
function send(form, submitter) {
  var stop = new AbortController(), t = setTimeout(() => { stop.abort(); }, 6000);
  var body = new URLSearchParams(new FormData(form));
  if (submitter && submitter.name) body.append(submitter.name, submitter.value);
  return fetch(form.getAttribute("action") || location.href, { method: "POST", signal: stop.signal,
    body: body }).then((r) => {
    clearTimeout(t);
    if (r.status >= 500) throw r;
    if (r.redirected) return location.replace(r.url);
    again = form;  // an error or "wait" page: the browser sends it again
    form.requestSubmit(submitter);
  });
}
function handle(form, action) {
  adopt();
  if (form.id === "reset-form") return reset();
  if (form.querySelector("[name=next]")) {
    large = !root.classList.contains("large-text");
    return root.classList.toggle("large-text", large);
  }
  if (form.classList.contains("language")) {
    S = { id: newId(), lang: action, answers: {}, draft: null, pos: 0 };
    return swap(screen("intro"));
  }
  if (!S) return start();
  if (form.classList.contains("question")) return answer(form, action);
  finish();  // "Vent et øjeblik": send again
}
document.addEventListener("click", (e) => {
  var link = e.target.closest && e.target.closest("a[href]");
  if (!link || !offline()) return;
  var path = new URL(link.href).pathname;
  if (["/kiosk/", "/kiosk/sprog", "/svar/1"].indexOf(path) < 0) return;
  e.preventDefault(); active = true; adopt();
  if (path === "/kiosk/sprog") { S = null; return swap(B.screens[""].language); }
  if (path === "/svar/1" && S) return question(1);
  start();
}, true);
window.addEventListener("online", () => { flush(); });

// At every page: the bundle, the worker, interrupted respondents, the outbox.
function load() {
  return caches.open(CACHE).then((cache) => {
    var cached = cache.match(BUNDLE).then((r) => { return r && r.json(); });
    return cached.then((found) => {  // at Start only
      return location.pathname !== "/kiosk/" || !navigator.onLine ? found : fresh(cache);
    });
  });
}
function fresh(cache) {
  return fetch(BUNDLE, { cache: "no-cache" }).then((r) => {
    if (!r.ok) return null;
    return r.clone().json().then((found) => {
      if (!found.round) return cache.delete(BUNDLE).then(() => { return null; });
      var urls = [];
      document.querySelectorAll("link[rel=stylesheet], script[src]").forEach((el) => { urls.push(el.href || el.src); });
      JSON.stringify(found.screens).replace(/data-audio=\\"([^"\\]+)\\"/g, (_, u) => { urls.push(u); });
      var shell = fetch("/kiosk/", { redirect: "manual" }).then((page) => {
        if (page.ok && page.type !== "opaqueredirect") return cache.put("/kiosk/", page);
      });
      return Promise.all(urls.map((u) => { return cache.add(u); }).concat([cache.put(BUNDLE, r), shell]))
        .catch(() => {}).then(() => { return found; });
    });
  }).catch(() => { return cache.match(BUNDLE).then((r) => { return r && r.json(); }); });
}
load().catch(() => {}).then((found) => {
  B = found || null;  // none: no round, but the outbox is sent
  if (B && navigator.serviceWorker) navigator.serviceWorker.register("/kiosk/offline/sw.js", { scope: "/" }).catch(() => {});
  return all().then((items) => {  // cut off by a reload: a partial
    return Promise.all(items.filter((i) => { return i.open; }).map((i) => {
      i.open = false;
      return write("put", i);
    }));
  }).then(() => {  // sent at every Start
    return location.pathname === "/kiosk/" ? flush() : report();
  }).then(() => { root.setAttribute("data-offline", "ready"); });
}).catch(() => {});
})();
