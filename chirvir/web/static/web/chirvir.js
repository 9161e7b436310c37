// Chirvir's pages work without this file; with it, the composer counts as you type (the server
// counts, so the browser shows exactly the rule a post is held to), the home page announces
// new posts as they arrive on the live stream, and sign-up sends the browser's time zone.
(function () {
  "use strict";

  function csrfToken(form) {
    const input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function setUpCounter(form) {
    const area = form.querySelector("textarea[data-counter]");
    const output = area && document.getElementById(area.dataset.counter);
    if (!output || area.dataset.counting) return;
    area.dataset.counting = "1";
    const template = output.dataset.template || "%(n)s";
    let timer = null;
    let asked = 0;
    async function count() {
      const ask = ++asked;
      const body = new FormData();
      body.append("status", area.value);
      const response = await fetch(form.dataset.countUrl, {
        method: "POST",
        body: body,
        headers: { "X-CSRFToken": csrfToken(form) },
        credentials: "same-origin",
      });
      if (!response.ok || ask !== asked) return;
      const counted = await response.json();
      output.value = String(counted.remaining);
      output.setAttribute("aria-label", template.replace("%(n)s", counted.remaining));
      output.classList.toggle("over", counted.remaining < 0);
      form.dataset.remaining = String(counted.remaining);
    }
    area.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(count, 120);
    });
    if (area.value) count();
  }

  function setUpStream() {
    const url = document.body.dataset.stream;
    const pendingUrl = document.body.dataset.pendingUrl;
    const bar = document.getElementById("new-posts");
    if (!url || !bar || !window.EventSource || !window.htmx) return;
    let timer = null;
    function newest() {
      const first = document.querySelector("#timeline article[data-id]");
      return first ? first.dataset.id : "";
    }
    function refresh() {
      const since = newest();
      if (!since) {
        bar.textContent = "";
        return;
      }
      htmx.ajax("GET", pendingUrl + "?since_id=" + encodeURIComponent(since), { target: bar, swap: "innerHTML" });
    }
    const source = new EventSource(url);
    source.addEventListener("update", function () {
      clearTimeout(timer);
      timer = setTimeout(refresh, 150);
    });
    source.addEventListener("delete", function (event) {
      const gone = document.querySelectorAll('#timeline article[data-id="' + CSS.escape(event.data) + '"]');
      gone.forEach(function (article) { article.remove(); });
    });
  }

  // Sign-up takes the browser's time zone, so times show in the person's own from the start.
  function fillTimeZone(root) {
    root.querySelectorAll("input[data-browser-time-zone]").forEach(function (input) {
      if (!input.value && window.Intl) input.value = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
    });
  }

  function setUp(root) {
    root.querySelectorAll("form[data-count-url]").forEach(setUpCounter);
    fillTimeZone(root);
  }

  document.addEventListener("DOMContentLoaded", function () {
    setUp(document);
    setUpStream();
  });
  document.addEventListener("htmx:load", function (event) { setUp(event.target.parentNode || document); });
})();
