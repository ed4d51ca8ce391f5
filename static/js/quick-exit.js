// Quick exit (case pages): leave at once for a neutral site, replacing this page in the browser's
// history so that Back does not bring it up again. Without JavaScript the link still leaves, as an
// ordinary link (rel="noreferrer", so the neutral site is not told where the visitor came from).
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    var target = event.target;
    var link = target instanceof Element ? target.closest("a[data-quick-exit]") : null;
    if (!link) {
      return;
    }
    event.preventDefault();
    // Hide the case at once: the neutral site may take a moment to arrive. (Not the hidden
    // attribute: the stylesheet gives body a display of its own.)
    document.body.style.display = "none";
    window.location.replace(link.href);
  });
})();
