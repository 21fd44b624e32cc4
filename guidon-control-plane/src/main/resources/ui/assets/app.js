// Guidon admin UI: the little behaviour a server-rendered page needs. Loaded as a file (CSP script-src 'self'):
// no inline handlers anywhere; elements opt in with data- attributes.
(function () {
  "use strict";

  // Marks the page as scripted: controls only needed without script (a search button) hide with .js-hidden.
  document.documentElement.classList.add("js");

  // <button data-copy="#id">: copies the text of the element #id (a new key's secret) to the clipboard.
  document.addEventListener("click", function (e) {
    var button = e.target.closest("[data-copy]");
    if (!button) { return; }
    var source = document.querySelector(button.getAttribute("data-copy"));
    if (!source) { return; }
    var text = source.value !== undefined && source.tagName === "INPUT" ? source.value : source.textContent;
    var done = function () {
      var status = button.getAttribute("data-copied") || "Copied";
      button.textContent = status;
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () { selectText(source); });
    } else {
      selectText(source);
      try { document.execCommand("copy"); done(); } catch (ignored) { /* the text stays selected */ }
    }
  });

  function selectText(el) {
    if (el.select) { el.select(); return; }
    var range = document.createRange();
    range.selectNodeContents(el);
    var sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
  }

  // <form data-confirm="text">: asks before submitting (a plain confirm; protected environments use
  // data-confirm-type, which requires typing the environment's key).
  document.addEventListener("submit", function (e) {
    var form = e.target;
    var typed = form.getAttribute("data-confirm-type");
    if (typed) {
      var answer = window.prompt("This changes the protected environment \u201c" + typed
        + "\u201d. Type its key to confirm:");
      if (answer !== typed) { e.preventDefault(); e.stopImmediatePropagation(); return; }
      // The server checks the confirmation too: the typed key goes along in the form's "confirm" field.
      var field = form.querySelector("input[name=confirm]");
      if (field) { field.value = answer; }
      return;
    }
    var text = form.getAttribute("data-confirm");
    if (text && !window.confirm(text)) { e.preventDefault(); e.stopImmediatePropagation(); }
  }, true);

  // <table data-rollout>: the running total of its [data-rollout-weight] inputs, in [data-rollout-sum] (the server
  // is the judge; this only shows the sum while typing). Summed in thousandths of a percent, as the engine does.
  document.addEventListener("input", function (e) {
    if (!e.target.matches || !e.target.matches("[data-rollout-weight]")) { return; }
    var table = e.target.closest("[data-rollout]");
    if (!table) { return; }
    var total = 0;
    var readable = true;
    var inputs = table.querySelectorAll("[data-rollout-weight]");
    for (var i = 0; i < inputs.length; i++) {
      var v = inputs[i].value.trim();
      if (v === "") { continue; }
      if (!/^[0-9]+(\.[0-9]{1,3})?$/.test(v)) { readable = false; continue; }
      total += Math.round(parseFloat(v) * 1000);
    }
    var sum = table.querySelector("[data-rollout-sum]");
    var note = table.querySelector("[data-rollout-note]");
    if (sum) {
      sum.textContent = String(total / 1000);
      sum.className = readable && total === 100000 ? "sum-ok" : "sum-bad";
    }
    if (note) {
      note.textContent = !readable ? "not all percentages are numbers" : total === 100000 ? "" : "must be 100";
    }
  });

  // Extension point for pages: window.Guidon.onLoad(fn) runs fn(root) on load and after each htmx swap.
  var hooks = [];
  window.Guidon = {
    onLoad: function (fn) { hooks.push(fn); fn(document); }
  };
  document.addEventListener("htmx:load", function (e) {
    for (var i = 0; i < hooks.length; i++) { hooks[i](e.target); }
  });
})();

// <select data-enables="#other" data-enables-when="value">: #other is enabled only while the select has that value
// (a key's environment, for sidecar keys only). A disabled field is not sent, so the server never sees a stale one.
(function () {
  "use strict";
  function sync(select) {
    var target = document.querySelector(select.getAttribute("data-enables"));
    if (!target) { return; }
    var on = select.value === select.getAttribute("data-enables-when");
    target.disabled = !on;
    if (!on) { target.value = ""; }
  }
  document.addEventListener("change", function (e) {
    if (e.target.matches && e.target.matches("select[data-enables]")) { sync(e.target); }
  });
  window.Guidon.onLoad(function (root) {
    var all = (root.querySelectorAll ? root : document).querySelectorAll("select[data-enables]");
    for (var i = 0; i < all.length; i++) { sync(all[i]); }
  });
})();

// <input data-browser-zone="fill">: a fresh schedule form's timezone, set to the browser's own (an IANA name) so
// that the time typed is read where the person is; the field stays visible and editable, and the server reads it.
(function () {
  "use strict";
  var zone;
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (ignored) { zone = null; }
  window.Guidon.onLoad(function (root) {
    if (!zone) { return; }
    var all = (root.querySelectorAll ? root : document).querySelectorAll("input[data-browser-zone=fill]");
    for (var i = 0; i < all.length; i++) { all[i].value = zone; all[i].removeAttribute("data-browser-zone"); }
  });
})();
