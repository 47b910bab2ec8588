// Switches the colour theme in place. The server already rendered the saved choice into
// <html data-theme>, so nothing here runs before the first paint and nothing flashes.
(function () {
  "use strict";
  var root = document.documentElement;

  function apply(theme) {
    root.classList.add("theme-transition");
    root.dataset.theme = theme;
    var scheme = document.querySelector('meta[name="color-scheme"]');
    if (scheme) scheme.content = theme === "system" ? "light dark" : theme;
    document.querySelectorAll("[data-theme-switch] button").forEach(function (button) {
      button.setAttribute("aria-pressed", String(button.value === theme));
    });
    window.setTimeout(function () { root.classList.remove("theme-transition"); }, 300);
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("[data-theme-switch]")) return;
    var button = event.submitter;
    if (!button || !button.value) return;
    event.preventDefault();
    apply(button.value);
    var body = new FormData(form);
    body.set("theme", button.value);
    fetch(form.action, {
      method: "POST",
      body: body,
      headers: { "X-Requested-With": "fetch" },
      credentials: "same-origin",
    }).catch(function () { /* the choice still applies to this page */ });
  });
})();
