// The script another site loads, /widget.js?user=NAME[&theme=dark][&lang=xx]: it puts the
// account's widget frame where its own script tag is. It reads nothing but its own address.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) return;
  var own = new URL(script.src, document.baseURI);
  var user = own.searchParams.get("user") || "";
  if (!/^[A-Za-z0-9_]{1,30}$/.test(user)) return;
  var src = new URL("/@" + user + "/widget", own.origin);
  ["theme", "lang"].forEach(function (name) {
    var value = own.searchParams.get(name);
    if (value) src.searchParams.set(name, value);
  });
  var frame = document.createElement("iframe");
  frame.src = src.href;
  frame.width = String(parseInt(own.searchParams.get("width"), 10) || 400);
  frame.height = String(parseInt(own.searchParams.get("height"), 10) || 600);
  frame.title = "@" + user;
  frame.loading = "lazy";
  frame.style.border = "0";
  frame.style.maxWidth = "100%";
  frame.className = "chirvir-widget";
  script.parentNode.insertBefore(frame, script.nextSibling);
})();
