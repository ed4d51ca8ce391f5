// Quick exit (every signed-in page): leave at once for a neutral site, and leave nothing behind.
//
// Pressing the Quick exit link, or Shift three times within a second (as GOV.UK's "Exit this page"),
// 1. hides the page at once;
// 2. ends the session on the server: a POST to the link's data-end-session address with the page's
//    CSRF token (fetch with keepalive, so it is sent even as the page goes; sendBeacon where there is
//    no fetch), waiting at most WAIT_MS for the answer;
// 3. puts the log-in page's address in this page's place in the history (history.replaceState), then
//    goes to the neutral site. So Back finds the log-in page, which the server now answers as such:
//    the session is gone, and signed-in pages are no-store, so no copy of this one is kept either.
// Without JavaScript the link still leaves, as an ordinary link (rel="noreferrer", so the neutral
// site is not told where the visitor came from).
(function () {
  "use strict";

  var WAIT_MS = 500; // at most, for the server to end the session before the page leaves anyway
  var SHIFT_PRESSES = 3;
  var SHIFT_WINDOW_MS = 1000;
  var leaving = false;
  var shiftTimes = [];

  function endSession(link) {
    var url = link.getAttribute("data-end-session");
    var token = link.getAttribute("data-csrf-token");
    if (!url || !token) {
      return Promise.resolve();
    }
    var body = new FormData();
    body.append("csrfmiddlewaretoken", token);
    if (window.fetch) {
      try {
        return window
          .fetch(url, { method: "POST", body: body, credentials: "same-origin", keepalive: true, redirect: "manual" })
          .catch(function () {});
      } catch (error) {
        // An old browser without keepalive: the beacon below.
      }
    }
    if (navigator.sendBeacon) {
      navigator.sendBeacon(url, body);
    }
    return Promise.resolve();
  }

  function leave(link) {
    if (leaving) {
      return;
    }
    leaving = true;
    // Hide the page at once: the neutral site may take a moment to arrive. (Not the hidden
    // attribute: the stylesheet gives body a display of its own.)
    document.body.style.display = "none";
    // The log-in page takes this page's place in the history, and its address is shown at once.
    // (A new address makes the browser fetch the page's icon again, which the departure would cut
    // off: the icon is emptied first, so nothing but the log-out is asked of the server now.)
    var after = link.getAttribute("data-after-exit");
    if (after) {
      var icons = document.querySelectorAll("link[rel~='icon']");
      for (var i = 0; i < icons.length; i += 1) {
        icons[i].href = "data:,";
      }
      try {
        window.history.replaceState(null, "", after);
      } catch (error) {
        // Leave all the same.
      }
    }
    var gone = false;
    function go() {
      if (!gone) {
        gone = true;
        window.location.assign(link.href);
      }
    }
    window.setTimeout(go, WAIT_MS);
    endSession(link).then(go, go);
  }

  function quickExitLink() {
    return document.querySelector("a[data-quick-exit]");
  }

  document.addEventListener("click", function (event) {
    var target = event.target;
    var link = target instanceof Element ? target.closest("a[data-quick-exit]") : null;
    if (!link) {
      return;
    }
    event.preventDefault();
    leave(link);
  });

  // Shift three times within a second, anywhere on the page. Any other key in between starts the
  // count again, so capitals typed in a form do not set it off.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Shift") {
      shiftTimes = [];
      return;
    }
    if (event.repeat) {
      return;
    }
    var now = Date.now();
    shiftTimes = shiftTimes.filter(function (time) {
      return now - time < SHIFT_WINDOW_MS;
    });
    shiftTimes.push(now);
    var link = quickExitLink();
    if (shiftTimes.length >= SHIFT_PRESSES && link) {
      shiftTimes = [];
      leave(link);
    }
  });

  // A page brought back from the back/forward cache is shown as it was left, without asking the
  // server: ask it again (signed-in pages are no-store, so browsers should not keep them at all).
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      window.location.reload();
    }
  });
})();
