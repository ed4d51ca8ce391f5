// Poll each unfinished dossier's (or web capture's) status and move its progress bar; reload once it is finished.
(function () {
  "use strict";
  var items = document.querySelectorAll('[data-dossier-status][data-finished="0"], [data-capture-status][data-finished="0"]');
  if (!items.length || !window.fetch) { return; }
  function poll(item) {
    fetch(item.getAttribute("data-dossier-status") || item.getAttribute("data-capture-status"), { credentials: "same-origin", cache: "no-store" })
      .then(function (response) { return response.json(); })
      .then(function (status) {
        var bar = item.querySelector("progress");
        var label = item.querySelector("[data-stage]");
        if (bar) { bar.value = status.progress; bar.textContent = status.progress + "%"; }
        if (label) { label.textContent = status.status_label + (status.stage ? ": " + status.stage : ""); }
        if (status.status === "done" || status.status === "failed") { window.location.reload(); return; }
        window.setTimeout(function () { poll(item); }, 1000);
      })
      .catch(function () { window.setTimeout(function () { poll(item); }, 3000); });
  }
  Array.prototype.forEach.call(items, poll);
}());
