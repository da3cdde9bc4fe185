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
