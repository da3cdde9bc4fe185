// Activities: "everyone present" on the attendance form. The review queue's rows are driven by htmx attributes.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-all-present]");
    if (!button) {
      return;
    }
    var form = button.closest("form");
    form.querySelectorAll("input[type=radio][value=present]").forEach(function (radio) {
      radio.checked = true;
    });
  });
})();

// The review queue's preview pane: the moment a row's Preview is chosen the pane shows that it is loading
// (never the previous row's document), and on a phone, where the pane sits below the table, it comes into view.
(function () {
  "use strict";
  document.addEventListener("htmx:beforeRequest", function (event) {
    var pane = document.getElementById("doc-preview");
    if (!pane || event.detail.target !== pane) {
      return;
    }
    var wait = document.createElement("div");
    wait.className = "doc-preview-wait text-muted";
    wait.setAttribute("role", "status");
    wait.setAttribute("data-testid", "preview-loading");
    wait.textContent = pane.getAttribute("data-loading");
    pane.replaceChildren(wait);
    document.querySelectorAll("[data-preview].active").forEach(function (link) { link.classList.remove("active"); });
    event.detail.elt.classList.add("active");
    if (pane.getBoundingClientRect().top > window.innerHeight) {
      pane.scrollIntoView({ behavior: "smooth", block: "start" });
    }
  });
})();
