// The pay page with Stripe: mount the Payment Element and confirm the PaymentIntent.
// Loaded only on that page, after https://js.stripe.com/v3/ (allowed by its CSP only).
(function () {
  "use strict";

  function start() {
    var form = document.getElementById("stripe-pay");
    if (!form || typeof window.Stripe !== "function") {
      return;
    }
    var error = document.getElementById("pay-error");
    var button = form.querySelector("button[type=submit]");
    var stripe = window.Stripe(form.dataset.publicKey);
    var dark = document.documentElement.dataset.theme === "dark" ||
      (document.documentElement.dataset.theme === "system" &&
        window.matchMedia("(prefers-color-scheme: dark)").matches);
    var elements = stripe.elements({
      clientSecret: form.dataset.clientSecret,
      appearance: { theme: dark ? "night" : "stripe" },
    });
    var element = elements.create("payment");
    document.getElementById("payment-element").textContent = "";
    element.mount("#payment-element");
    element.on("ready", function () { button.disabled = false; });

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      button.disabled = true;
      error.hidden = true;
      stripe.confirmPayment({
        elements: elements,
        confirmParams: { return_url: form.dataset.returnUrl },
      }).then(function (result) {
        // Only reached when the confirmation failed: success leaves for the return_url.
        if (result.error) {
          error.textContent = result.error.message;
          error.hidden = false;
        }
        button.disabled = false;
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
