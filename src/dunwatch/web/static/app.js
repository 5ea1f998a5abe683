// dunwatch web app: drag-and-drop uploads with progress. No other origin, no inline script (CSP).
// Texts from the server (file names, import messages) are inserted with textContent, never as HTML.
"use strict";

(function () {
  document.documentElement.classList.add("js");
  var zone = document.getElementById("dropzone");
  if (!zone) { return; }
  var input = document.getElementById("file-input");
  var list = document.getElementById("upload-list");
  var done = document.getElementById("upload-done");
  var token = document.querySelector('meta[name="csrf-token"]').getAttribute("content");
  var api = zone.getAttribute("data-api");
  var max = parseInt(zone.getAttribute("data-max"), 10);
  var queue = [];
  var busy = false;

  function t(name) { return list.getAttribute("data-t-" + name) || ""; }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined) { e.textContent = text; }
    return e;
  }

  function enqueue(files) {
    for (var i = 0; i < files.length; i++) {
      var item = el("li", "upload");
      var name = el("span", "fname", files[i].name);
      var bar = el("progress");
      bar.max = 100;
      bar.value = 0;
      var note = el("span", "note", t("waiting"));
      item.appendChild(name);
      item.appendChild(bar);
      item.appendChild(note);
      list.appendChild(item);
      queue.push({ file: files[i], item: item, bar: bar, note: note });
    }
    done.classList.add("hidden");
    next();
  }

  function finish(job, ok, text) {
    job.item.classList.add(ok ? "ok" : "bad");
    job.note.textContent = text;
    job.bar.value = 100;
    busy = false;
    next();
  }

  function next() {
    if (busy) { return; }
    var job = queue.shift();
    if (!job) {
      if (list.children.length) {
        done.classList.remove("hidden");
        // The stored-evidence table below was drawn before these uploads; "refresh" redraws it.
        var stored = document.getElementById("stored");
        if (stored) { stored.classList.add("hidden"); }
      }
      return;
    }
    if (job.file.size > max) { finish(job, false, t("toolarge")); return; }
    busy = true;
    var xhr = new XMLHttpRequest();
    xhr.open("POST", api + "?filename=" + encodeURIComponent(job.file.name));
    xhr.setRequestHeader("X-CSRF-Token", token);
    xhr.setRequestHeader("Content-Type", "application/octet-stream");
    xhr.upload.onprogress = function (ev) {
      if (ev.lengthComputable) {
        job.bar.value = Math.round(ev.loaded * 100 / ev.total);
        if (ev.loaded === ev.total) { job.note.textContent = t("reading"); }
      }
    };
    xhr.onload = function () {
      var body = null;
      try { body = JSON.parse(xhr.responseText); } catch (e) { body = null; }
      if (xhr.status === 200 && body && body.results) {
        var r = body.results[0];
        var text = r.message + (body.notes.length ? " · " + body.notes.join(" · ") : "");
        finish(job, r.ok, text);
      } else if (xhr.status === 413) {
        finish(job, false, t("toolarge"));
      } else {
        finish(job, false, t("failed") + ((body && body.error) ? ": " + body.error : ""));
      }
    };
    xhr.onerror = function () { finish(job, false, t("failed")); };
    xhr.send(job.file);
  }

  ["dragenter", "dragover"].forEach(function (name) {
    zone.addEventListener(name, function (ev) { ev.preventDefault(); zone.classList.add("over"); });
  });
  ["dragleave", "drop"].forEach(function (name) {
    zone.addEventListener(name, function (ev) { ev.preventDefault(); zone.classList.remove("over"); });
  });
  zone.addEventListener("drop", function (ev) {
    if (ev.dataTransfer && ev.dataTransfer.files.length) { enqueue(ev.dataTransfer.files); }
  });
  input.addEventListener("change", function () {
    if (input.files.length) { enqueue(input.files); input.value = ""; }
  });
  zone.addEventListener("submit", function (ev) { ev.preventDefault(); });
})();
