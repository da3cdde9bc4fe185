// Progress of a background export or archive: poll the job's JSON endpoint, move the bar, then offer the download.
(function () {
  "use strict";
  var box = document.querySelector("[data-job-progress]");
  if (!box) {
    return;
  }
  var url = box.getAttribute("data-job-progress");
  var bar = box.querySelector("progress");
  var text = box.querySelector("[data-job-text]");
  var link = box.querySelector("[data-job-download]");

  function show(state) {
    bar.value = state.progress;
    text.textContent = state.message;
    box.setAttribute("data-status", state.status);
    if (state.status === "done" && state.download_url) {
      link.href = state.download_url;
      link.classList.remove("d-none");
    }
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (state) {
        show(state);
        if (state.status === "queued" || state.status === "running") {
          window.setTimeout(poll, 1000);
        }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }

  var status = box.getAttribute("data-status");
  if (status === "queued" || status === "running") {
    poll();
  }
})();
