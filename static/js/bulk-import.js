// The import progress bar: polls the run's status and fills in the bar; when the import
// has finished, reloads the page to show its report. Without JavaScript, the page's
// "Refresh" link does the same by hand.
(function () {
  "use strict";
  var box = document.getElementById("import-progress");
  if (!box || box.dataset.finished === "yes") {
    return;
  }
  var bar = document.getElementById("import-progress-bar");
  var text = document.getElementById("import-progress-text");
  var refresh = document.getElementById("import-refresh");
  if (refresh) {
    refresh.hidden = true;
  }

  function show(status) {
    if (status.finished) {
      window.location.reload();
      return;
    }
    if (status.rows_total > 0) {
      bar.max = status.rows_total;
      bar.value = status.rows_done;
      text.textContent = status.rows_done + " of " + status.rows_total + " rows saved.";
    }
    window.setTimeout(poll, 1000);
  }

  function poll() {
    fetch(box.dataset.statusUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("status " + response.status);
        }
        return response.json();
      })
      .then(show)
      .catch(function () {
        if (refresh) {
          refresh.hidden = false;
        }
      });
  }

  window.setTimeout(poll, 500);
})();
