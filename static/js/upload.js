// Drag and drop onto the evidence form. Without JavaScript the plain file input works the same.
(function () {
  "use strict";
  var form = document.querySelector("[data-dropzone]");
  if (!form) { return; }
  var zone = form.querySelector("[data-dropzone-target]");
  var input = form.querySelector('input[type="file"]');
  if (!zone || !input || typeof DataTransfer === "undefined") { return; }
  zone.hidden = false;
  ["dragenter", "dragover"].forEach(function (name) {
    form.addEventListener(name, function (event) {
      event.preventDefault();
      zone.classList.add("dropzone-active");
    });
  });
  ["dragleave", "drop"].forEach(function (name) {
    form.addEventListener(name, function () { zone.classList.remove("dropzone-active"); });
  });
  form.addEventListener("drop", function (event) {
    event.preventDefault();
    var files = event.dataTransfer && event.dataTransfer.files;
    if (!files || !files.length) { return; }
    var merged = new DataTransfer();
    Array.prototype.forEach.call(input.files, function (file) { merged.items.add(file); });
    Array.prototype.forEach.call(files, function (file) { merged.items.add(file); });
    input.files = merged.files;
    zone.querySelector("p").textContent = input.files.length + " file(s) ready. Press Save to add them.";
  });
}());
