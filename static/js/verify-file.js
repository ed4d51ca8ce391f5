// The verification page: the reader chooses (or drops) their copy of a dossier, the browser works out its
// SHA-256 with Web Crypto, on the device, and says plainly whether it is the original. Nothing is sent.
(function () {
  "use strict";
  var box = document.querySelector("[data-verify-file]");
  // Web Crypto's digest is only offered on https (and on this computer's own address).
  if (!box || !window.crypto || !window.crypto.subtle || !window.FileReader) { return; }
  var expected = (box.getAttribute("data-expected-sha256") || "").toLowerCase();
  var input = box.querySelector("input[type=file]");
  var outcome = box.querySelector(".verify-outcome");

  function say(text, kind) {
    outcome.textContent = text;
    outcome.className = "verify-outcome" + (kind ? " message message-" + kind : "");
  }

  function hex(buffer) {
    var bytes = new Uint8Array(buffer);
    var out = "";
    for (var i = 0; i < bytes.length; i++) { out += (bytes[i] < 16 ? "0" : "") + bytes[i].toString(16); }
    return out;
  }

  function check(file) {
    if (!file) { return; }
    say("Checking “" + file.name + "”…", "");
    file.arrayBuffer()
      .then(function (data) { return window.crypto.subtle.digest("SHA-256", data); })
      .then(function (digest) {
        var actual = hex(digest);
        if (actual === expected) {
          say("This file matches. “" + file.name + "” is exactly the original dossier: nothing in it has been changed.", "success");
        } else {
          say("This file does not match. “" + file.name + "” is not the original dossier with this code: it may have been changed, or it may be a different file. Its fingerprint is " + actual + ".", "error");
        }
      })
      .catch(function () {
        say("Your browser could not read that file. Try again, or use the instructions below.", "error");
      });
  }

  input.addEventListener("change", function () { check(input.files[0]); });
  box.addEventListener("dragover", function (event) { event.preventDefault(); });
  box.addEventListener("drop", function (event) {
    event.preventDefault();
    if (event.dataTransfer && event.dataTransfer.files.length) { check(event.dataTransfer.files[0]); }
  });
  box.hidden = false;
}());
