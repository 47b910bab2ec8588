// Small progressive enhancements for htmx requests. The pages work without this file.
(function () {
  "use strict";
  // Keep addresses short and shareable: drop empty filter fields from GET requests
  // (?q=lamp rather than ?q=lamp&min_price=&max_price=&sort=).
  document.addEventListener("htmx:configRequest", function (event) {
    if (event.detail.verb !== "get") return;
    var params = event.detail.parameters;
    Object.keys(params).forEach(function (name) {
      if (params[name] === "") delete params[name];
    });
  });
})();
