/*
 * Drafts: keep what a member is writing, so a long post is never lost.
 *
 * Every editor form carries data-draft-key ("thread:12", "category:<slug>", "reply:<post id>",
 * "edit:<post id>") and data-draft-url. As the member types we keep a copy in this browser's
 * localStorage at once, and send it to the server a moment after they pause. If the server can't be
 * reached the local copy stays, and is put back in the form the next time the page opens. Without
 * JavaScript the form still posts as usual; the server restores its own copy of the draft.
 *
 * After a post is published the server lists its draft key in <meta name="forum-published-drafts">
 * on the next page, and we forget the local copy.
 *
 * When the server refuses a draft (too long, too many drafts, saved too often, a thread since locked) it
 * answers JSON {"error": "..."}: we show that message and keep the text in the editor and on this device;
 * after a 429 we try again once the wait it gives in "retry_after" is over.
 *
 * Signing out (any form posting to <meta name="forum-sign-out-url">) first sends drafts not yet saved to
 * the server, then forgets every draft kept in this browser, so the next person at a shared computer
 * can't read them.
 */
(function () {
  "use strict";

  var SAVE_DELAY_MS = 1500;

  // A form sent back with errors: move focus to the summary at its top, so keyboard and screen-reader
  // users start from the list of problems (each links to its field).
  var errorSummary = document.getElementById("error-summary");
  if (errorSummary) { errorSummary.focus(); }

  var userMeta = document.querySelector('meta[name="forum-user"]');
  if (!userMeta) { return; }  // signed out: no editors, nothing to keep
  var allDraftsPrefix = "movement-stories:draft:";
  var prefix = allDraftsPrefix + userMeta.content + ":";
  var signingOut = false;
  var flushers = [];  // one per editor: sends its unsaved text, returns a Promise

  var store = (function () {
    try {
      var s = window.localStorage;
      s.setItem(prefix + "test", "1");
      s.removeItem(prefix + "test");
      return s;
    } catch (e) {
      return null;  // private browsing or storage switched off: the server copy still works
    }
  })();

  var published = document.querySelector('meta[name="forum-published-drafts"]');
  if (published && store) {
    published.content.split(" ").forEach(function (key) {
      if (key) { store.removeItem(prefix + key); }
    });
  }

  function readLocal(key) {
    if (!store) { return null; }
    try { return JSON.parse(store.getItem(prefix + key) || "null"); } catch (e) { return null; }
  }

  function clock() {
    var now = new Date();
    return String(now.getHours()).padStart(2, "0") + ":" + String(now.getMinutes()).padStart(2, "0");
  }

  function setup(form) {
    var key = form.getAttribute("data-draft-key");
    var url = form.getAttribute("data-draft-url");
    var title = form.querySelector('[name="title"]');
    var body = form.querySelector('[name="body"]');
    var csrf = form.querySelector('[name="csrfmiddlewaretoken"]');
    var status = form.querySelector("[data-draft-status]");
    var maxChars = parseInt(form.getAttribute("data-max-chars") || "0", 10);
    var serverSavedAt = Date.parse(form.getAttribute("data-draft-saved-at") || "") || 0;
    var timer = null;
    var submitting = false;

    function values() {
      return { title: title ? title.value : "", body: body ? body.value : "" };
    }
    function snapshot() { return JSON.stringify(values()); }
    var lastSent = snapshot();

    function say(text) { if (status) { status.textContent = text; } }

    // A character count next to the box, so the limit never comes as a surprise.
    var counter = null;
    if (body && maxChars) {
      counter = document.createElement("p");
      counter.className = "char-count";
      counter.id = body.id + "_count";
      body.insertAdjacentElement("afterend", counter);
      var updateCount = function () {
        var n = body.value.replace(/\r\n/g, "\n").trim().length;
        counter.textContent = n.toLocaleString() + " of " + maxChars.toLocaleString() + " characters";
        counter.classList.toggle("char-count-over", n > maxChars);
      };
      updateCount();
      body.addEventListener("input", updateCount);
    }

    function saveLocal() {
      if (!store || signingOut) { return; }
      var v = values();
      if (!v.title.trim() && !v.body.trim()) { store.removeItem(prefix + key); return; }
      v.savedAt = Date.now();
      try { store.setItem(prefix + key, JSON.stringify(v)); } catch (e) { /* storage full: server copy */ }
    }

    function formData() {
      var data = new FormData();
      var v = values();
      data.append("csrfmiddlewaretoken", csrf ? csrf.value : "");
      data.append("key", key);
      data.append("title", v.title);
      data.append("body", v.body);
      return data;
    }

    // The server's refusal, in its own words (JSON {"error", "retry_after"}), or null if it sent none.
    function refusal(response) {
      return response.json().then(function (data) {
        return data && data.error ? data : null;
      }, function () { return null; });
    }

    function send(options) {
      var current = snapshot();
      if (current === lastSent || (submitting && !signingOut)) { return Promise.resolve(); }
      window.clearTimeout(timer);
      return fetch(url, {
        method: "POST",
        body: formData(),
        credentials: "same-origin",
        keepalive: Boolean(options && options.keepalive),
        headers: { "Accept": "application/json", "X-CSRFToken": csrf ? csrf.value : "" }
      }).then(function (response) {
        if (response.ok) {
          lastSent = current;
          say("Draft saved at " + clock() + ".");
          return;
        }
        return refusal(response).then(function (refused) {
          if (!refused) { throw new Error("HTTP " + response.status); }
          // Refused: the text stays in the editor and on this device; say why, in the server's words.
          say(refused.error);
          if (response.status === 429 && refused.retry_after && !signingOut) {
            timer = window.setTimeout(send, (Number(refused.retry_after) + 1) * 1000);
          }
        });
      }).catch(function () {
        say("Couldn't reach the forum just now. Your draft is kept on this device and will be saved when you're back online.");
      });
    }
    flushers.push(function () { return send({ keepalive: true }); });

    function schedule() {
      saveLocal();
      window.clearTimeout(timer);
      timer = window.setTimeout(send, SAVE_DELAY_MS);
    }

    // Put back a newer copy from this device (typed offline, or before the browser closed), unless the
    // form came back from the server with an error: then it already holds exactly what was sent.
    var local = readLocal(key);
    if (local && !form.hasAttribute("data-draft-rejected") && local.savedAt > serverSavedAt) {
      var v = values();
      if ((local.body || "") !== v.body || (title && (local.title || "") !== v.title)) {
        if (body) { body.value = local.body || ""; body.dispatchEvent(new Event("input")); }
        if (title && local.title) { title.value = local.title; }
        say("We put back the draft kept on this device.");
        lastSent = "";
        schedule();
      }
    }

    form.addEventListener("input", schedule);
    form.addEventListener("submit", function () {
      submitting = true;
      window.clearTimeout(timer);
      saveLocal();  // kept until the server confirms the post was published
    });
    window.addEventListener("online", function () { if (snapshot() !== lastSent) { send(); } });
    window.addEventListener("pagehide", function () {
      if (submitting || signingOut || snapshot() === lastSent || !navigator.sendBeacon) { return; }
      saveLocal();
      navigator.sendBeacon(url, formData());
    });
  }

  document.querySelectorAll("form[data-draft-key]").forEach(setup);

  // --- signing out: forget this browser's drafts (a shared computer) -----------------------------------

  function forgetAllDrafts() {
    if (!store) { return; }
    var keys = [];
    for (var i = 0; i < store.length; i++) {
      var key = store.key(i);
      if (key && key.indexOf(allDraftsPrefix) === 0) { keys.push(key); }
    }
    keys.forEach(function (key) { store.removeItem(key); });
  }

  var signOutMeta = document.querySelector('meta[name="forum-sign-out-url"]');
  if (signOutMeta) {
    var signOutPath = new URL(signOutMeta.content, window.location.href).pathname;
    document.addEventListener("submit", function (event) {
      var form = event.target;
      if (signingOut || !(form instanceof HTMLFormElement)) { return; }
      if (new URL(form.getAttribute("action") || "", window.location.href).pathname !== signOutPath) { return; }
      // Save what hasn't reached the server yet (while still signed in), then forget the local copies and
      // sign out. Give up waiting after a few seconds: signing out must not hang on a slow connection.
      event.preventDefault();
      signingOut = true;
      var flushed = Promise.all(flushers.map(function (flush) { return flush(); }));
      var patience = new Promise(function (resolve) { window.setTimeout(resolve, 3000); });
      Promise.race([flushed, patience]).then(function () {
        forgetAllDrafts();
        HTMLFormElement.prototype.submit.call(form);
      });
    });
  }
})();
