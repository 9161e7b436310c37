// The widget keeps itself live: the public stream says when the account posts, and the widget
// asks its own server for the posts newer than the newest it shows (through the same gate as the
// page), or takes away a post that was deleted.
(function () {
  "use strict";

  document.addEventListener("DOMContentLoaded", function () {
    const body = document.body;
    const posts = document.getElementById("posts");
    if (!body.dataset.stream || !posts || !window.EventSource) return;
    let timer = null;

    function newest() {
      const first = posts.querySelector("article[data-id]");
      return first ? first.dataset.id : "";
    }

    function refresh() {
      const since = newest();
      const url = body.dataset.postsUrl + (since ? "&since_id=" + encodeURIComponent(since) : "");
      fetch(url, { credentials: "same-origin" }).then(function (answer) {
        return answer.ok ? answer.text() : "";
      }).then(function (html) {
        if (!html.trim()) return;
        const empty = document.querySelector("p.empty");
        if (empty) empty.remove();
        posts.insertAdjacentHTML("afterbegin", html);
        // A post that was there already (two refreshes crossing) is kept once.
        const seen = new Set();
        posts.querySelectorAll("article[data-id]").forEach(function (article) {
          if (seen.has(article.dataset.id)) article.remove(); else seen.add(article.dataset.id);
        });
      });
    }

    const source = new EventSource(body.dataset.stream);
    source.addEventListener("update", function (event) {
      let status = null;
      try { status = JSON.parse(event.data); } catch (e) { return; }
      if (!status || !status.account || status.account.id !== body.dataset.accountId) return;
      clearTimeout(timer);
      timer = setTimeout(refresh, 150);
    });
    source.addEventListener("delete", function (event) {
      posts.querySelectorAll('article[data-id="' + CSS.escape(event.data) + '"]').forEach(function (article) {
        article.remove();
      });
    });
    // After the stream was lost and is back, what it missed comes from the server.
    let opened = false;
    source.addEventListener("open", function () {
      if (opened) refresh();
      opened = true;
    });
  });
})();
