// Small behaviours shared by all pages. Kept out of the HTML: the Content-Security-Policy allows no inline script.
(function () {
  "use strict";
  // A submit button with data-confirm asks before it posts.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-confirm]");
    if (button && !window.confirm(button.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });
  // A button with data-print prints the page (slips of one-time passwords).
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) {
      window.print();
    }
  });
  // htmx needs the CSRF token on every request it sends.
  document.addEventListener("htmx:configRequest", function (event) {
    var token = document.querySelector("meta[name=csrf-token]") || document.querySelector("input[name=csrfmiddlewaretoken]");
    if (token) {
      event.detail.headers["X-CSRFToken"] = token.content || token.value;
    }
  });
})();
