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

  // The header's cart link is named "Cart, 2 items": keep the unit in step with the count
  // that htmx fetched again.
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    if (!target || target.id !== "cart-count") return;
    var unit = document.querySelector("[data-cart-unit]");
    if (unit) unit.textContent = target.textContent.trim() === "1" ? " item" : " items";
  });

  // htmx gives the focus back to an element that has the same id after a swap. When the
  // focused element is gone for good (a sold-out button replaces the form), the focus goes to
  // the target's `data-focus-fallback` instead of falling to the top of the page.
  var focusedIn = null;
  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    focusedIn = target && target.contains(document.activeElement) ? target.id : null;
  });
  document.addEventListener("htmx:afterSettle", function () {
    var id = focusedIn;
    focusedIn = null;
    if (!id || (document.activeElement && document.activeElement !== document.body)) return;
    var target = document.getElementById(id);
    var fallback = target && target.dataset.focusFallback;
    var element = fallback && document.querySelector(fallback);
    if (element) element.focus({ preventScroll: true });
  });

  // A request that fails must not look like a click that did nothing: say what happened and
  // what to do in the layout's live region (#request-error), with a button to reload.
  var SAY = {
    session: "Your session changed — reload the page and try again.",
    stale: "This page is out of date — reload the page and try again.",
    busy: "Too many requests at once — wait a moment, then try again.",
    server: "Something went wrong on our side. Try again in a moment, or reload the page.",
    offline: "We could not reach the shop. Check your connection, then try again.",
    slow: "The shop took too long to answer. Try again in a moment.",
  };

  function button(label, className, onClick) {
    var element = document.createElement("button");
    element.type = "button";
    element.className = className;
    element.textContent = label;
    element.addEventListener("click", onClick);
    return element;
  }

  function clear() {
    var region = document.getElementById("request-error");
    if (region) region.replaceChildren();
  }

  function say(text) {
    var region = document.getElementById("request-error");
    if (!region) return;
    var box = document.createElement("div");
    box.className = "request-error";
    var message = document.createElement("p");
    message.textContent = text;
    var actions = document.createElement("div");
    actions.className = "request-error-actions";
    actions.append(
      button("Reload the page", "button button-small", function () { window.location.reload(); }),
      button("Dismiss", "button button-secondary button-small", clear)
    );
    box.append(message, actions);
    region.replaceChildren(box);
  }

  // Our own answers for htmx (the CSRF failure page, for one) are a plain-text sentence.
  function sentenceOf(xhr) {
    var type = xhr.getResponseHeader("Content-Type") || "";
    var text = (xhr.responseText || "").trim();
    return type.indexOf("text/plain") === 0 && text && text.length <= 400 ? text : "";
  }

  document.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr;
    var status = xhr.status;
    var fallback = status === 403 ? SAY.session : status === 429 ? SAY.busy
      : status >= 500 ? SAY.server : SAY.stale;
    say(sentenceOf(xhr) || fallback);
  });
  document.addEventListener("htmx:sendError", function () { say(SAY.offline); });
  document.addEventListener("htmx:timeout", function () { say(SAY.slow); });
  document.addEventListener("htmx:afterRequest", function (event) {
    if (event.detail.successful) clear();
  });
})();
