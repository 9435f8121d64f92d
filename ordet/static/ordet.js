// Ordet er dit: small progressive enhancements. Every page works without this file.
(function () {
  "use strict";
  var body = document.body;

  // How the person moves: a tap or a key, remembered from the last screen. After a tap the
  // focus that a screen change puts on the question is not drawn (a box round the heading looks
  // like an error on a touch screen); after a key, and at the first key press here, it is.
  var root = document.documentElement;
  var store = null;
  try { store = window.sessionStorage; } catch (e) { store = null; }
  function moved(how) {
    root.setAttribute("data-input", how);
    try { if (store) store.setItem("ordet-input", how); } catch (e) { /* private mode */ }
  }
  root.setAttribute("data-input", (store && store.getItem("ordet-input")) || "keyboard");
  document.addEventListener("pointerdown", function () { moved("pointer"); }, { passive: true, capture: true });
  document.addEventListener("keydown", function () { moved("keyboard"); }, { passive: true, capture: true });

  // After a screen change, focus goes to the question (or the page's main heading).
  var focusTarget = document.querySelector("[data-autofocus]");
  if (focusTarget && !document.querySelector(".error-summary")) {
    focusTarget.focus({ preventScroll: false });
  } else if (focusTarget) {
    focusTarget.focus();
  }

  // A choice that decides whether another question follows: the progress and the main button
  // follow the answer chosen ("Send mine svar" only where this is the last question).
  var question = document.querySelector("form.question[data-position]");
  if (question && question.querySelector("input[data-total]")) {
    var position = parseInt(question.getAttribute("data-position"), 10);
    var label = question.querySelector("[data-progress]");
    var bar = question.querySelector("progress");
    var main = question.querySelector("button[data-next]");
    var follow = function () {
      var chosen = question.querySelector("input[data-total]:checked");
      if (!chosen) return;
      var total = chosen.getAttribute("data-total");
      var text = label.getAttribute("data-progress").replace("{total}", total);
      if (label.textContent !== text) {
        document.title = document.title.replace(label.textContent, text);
        label.textContent = text;
      }
      bar.max = parseInt(total, 10);
      main.textContent = main.getAttribute(position >= bar.max ? "data-send" : "data-next");
    };
    question.addEventListener("change", follow);
    follow();
  }

  // Read aloud: recorded audio where the organisation has it, else the browser's voice.
  var lang = document.documentElement.lang || "da";
  var speechLang = { da: "da-DK", en: "en-GB" }[lang] || lang;
  function voiceFor() {
    if (!("speechSynthesis" in window)) return null;
    var voices = window.speechSynthesis.getVoices();
    for (var i = 0; i < voices.length; i++) {
      if (voices[i].lang && voices[i].lang.toLowerCase().indexOf(lang) === 0) return voices[i];
    }
    return null;
  }
  function setupSpeak() {
    document.querySelectorAll("[data-speak]").forEach(function (button) {
      var audio = button.getAttribute("data-audio");
      if (audio || voiceFor() || window.ordetForceSpeech) button.hidden = false;
    });
  }
  var player = null;
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-speak]");
    if (!button) return;
    var audio = button.getAttribute("data-audio");
    var slow = button.hasAttribute("data-slow");
    if (audio) {
      // One recording at a time: a second tap starts it again from the beginning.
      if (player) player.pause();
      player = new Audio(audio);
      player.playbackRate = slow ? 0.7 : 1;
      player.play();
      return;
    }
    var utterance = new SpeechSynthesisUtterance(button.getAttribute("data-speak"));
    utterance.lang = speechLang;
    var voice = voiceFor();
    if (voice) utterance.voice = voice;
    utterance.rate = slow ? 0.6 : 0.9;
    window.speechSynthesis.cancel();
    window.speechSynthesis.speak(utterance);
  });
  if ("speechSynthesis" in window) {
    setupSpeak();
    window.speechSynthesis.addEventListener("voiceschanged", setupSpeak);
  } else {
    document.querySelectorAll("[data-audio]").forEach(function (b) { b.hidden = false; });
  }

  // Kiosk inactivity: warn first, offer more time, then go back to Start.
  var idle = parseInt(body.getAttribute("data-idle"), 10);
  var warning = parseInt(body.getAttribute("data-warning"), 10);
  var dialog = document.getElementById("idle-dialog");
  var resetForm = document.getElementById("reset-form");
  if (idle > 0 && dialog && resetForm) {
    var idleTimer = null, tick = null, left = warning;
    var counter = dialog.querySelector("[data-countdown]");
    var restart = function () {
      if (dialog.open) return;
      clearTimeout(idleTimer);
      idleTimer = setTimeout(warn, idle * 1000);
    };
    var warn = function () {
      left = warning;
      counter.textContent = left;
      if (dialog.showModal) dialog.showModal(); else dialog.setAttribute("open", "");
      dialog.querySelector("[data-more-time]").focus();
      tick = setInterval(function () {
        left -= 1;
        counter.textContent = left;
        if (left <= 0) { clearInterval(tick); resetForm.submit(); }
      }, 1000);
    };
    dialog.querySelector("[data-more-time]").addEventListener("click", function () {
      clearInterval(tick);
      dialog.close ? dialog.close() : dialog.removeAttribute("open");
      restart();
    });
    dialog.addEventListener("cancel", function (event) { event.preventDefault(); });
    ["pointerdown", "keydown", "input", "scroll"].forEach(function (name) {
      document.addEventListener(name, restart, { passive: true });
    });
    restart();
  }

  // A live staff page (the overview) fetches itself again now and then and swaps in the new
  // counts; not while the page is hidden, nor while the focus is inside the region.
  var live = document.querySelector("[data-refresh][id]");
  var every = live ? parseInt(live.getAttribute("data-refresh"), 10) : 0;
  if (every > 0 && window.fetch && window.DOMParser) {
    setInterval(function () {
      if (document.hidden || live.contains(document.activeElement)) return;
      fetch(window.location.href, { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.text() : ""; })
        .then(function (html) {
          var fresh = new DOMParser().parseFromString(html, "text/html").getElementById(live.id);
          if (fresh && !live.contains(document.activeElement)) live.replaceChildren.apply(live, Array.from(fresh.childNodes));
        })
        .catch(function () { /* offline for a moment: the next turn tries again */ });
    }, every * 1000);
  }

  // The thank-you screen returns to Start by itself.
  var after = parseInt(body.getAttribute("data-return-after"), 10);
  var url = body.getAttribute("data-return-url");
  if (after > 0 && url) {
    setTimeout(function () { window.location.replace(url); }, after * 1000);
  }
})();
