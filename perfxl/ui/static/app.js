/* perfxl local page: drag-and-drop upload, job progress and cancel. No library, no network
   beyond this server. Every form also works without this script. */
(function () {
  "use strict";
  var csrf = function () {
    var m = document.querySelector('meta[name="csrf-token"]');
    return m ? m.getAttribute("content") : "";
  };

  var uploading = 0; /* uploads in flight: a reload now would cut them off */

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRF-Token": csrf(), "Accept": "application/json" }
    }).then(function (r) {
      return r.json().catch(function () { return { error: "服务器没有给出结果（" + r.status + "）" }; });
    });
  }

  /* -- progress of a running job, polled until it ends; then the page reloads -- */
  function watch(panel) {
    var id = panel.getAttribute("data-job");
    var bar = panel.querySelector("progress");
    var text = panel.querySelector(".job-text");
    var current = panel.querySelector(".job-current");
    function tick() {
      fetch("/jobs/" + encodeURIComponent(id), { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (r) { return r.json(); })
        .then(function (job) {
          if (job.total) { bar.max = job.total; bar.value = job.done; }
          text.textContent = job.done + " / " + (job.total || "…");
          current.textContent = job.current || "";
          if (job.state === "running" || uploading) { setTimeout(tick, 700); } else { location.reload(); }
        })
        .catch(function () { setTimeout(tick, 2000); });
    }
    setTimeout(tick, 500);
  }

  function showJob(job) {
    if (!job || document.querySelector(".job")) { return; }
    var panel = document.createElement("section");
    panel.className = "job";
    panel.setAttribute("data-job", job.id);
    panel.innerHTML = "<div><strong></strong>：<span class=\"job-text\"></span> <span class=\"job-current\"></span></div>" +
      "<progress class=\"job-bar\" max=\"1\" value=\"0\"></progress><button type=\"button\" class=\"secondary\">取消</button>";
    panel.querySelector("strong").textContent = job.label;
    panel.querySelector("button").addEventListener("click", function () { cancel(job.id); });
    var main = document.querySelector("main");
    main.insertBefore(panel, main.firstChild);
    watch(panel);
  }

  function cancel(id) {
    post("/jobs/" + encodeURIComponent(id) + "/cancel", new FormData());
  }

  /* -- uploads: chosen files, a chosen folder, or files and folders dropped -- */
  function list(items) {
    var out = document.getElementById("upload-result");
    if (!out) { return; }
    items.forEach(function (it) {
      var li = document.createElement("li");
      li.className = it.cls;
      li.textContent = it.text;
      out.appendChild(li);
    });
  }

  function upload(files) {
    if (!files.length) { return; }
    var body = new FormData();
    files.forEach(function (f) { body.append("files", f.file, f.path); });
    list([{ cls: "muted", text: "正在上传 " + files.length + " 个文件……" }]);
    uploading += 1;
    post("/collect/upload", body).then(function (res) {
      uploading -= 1;
      if (res.error) { list([{ cls: "bad", text: res.error }]); return; }
      list((res.accepted || []).map(function (a) {
        return { cls: "ok", text: "已收到「" + a.name + "」" + (a.saved !== a.name.split("/").pop() ? "（保存为 " + a.saved + "）" : "") };
      }));
      list((res.refused || []).map(function (r) { return { cls: "bad", text: "未收下：" + r.reason }; }));
      showJob(res.job);
    }).catch(function () {
      uploading -= 1;
      list([{ cls: "bad", text: "上传失败：与本机程序的连接断开了，请确认程序仍在运行。" }]);
    });
  }

  function fromInput(input) {
    return Array.prototype.map.call(input.files, function (f) {
      return { file: f, path: f.webkitRelativePath || f.name };
    });
  }

  function readEntry(entry, prefix, out) {
    return new Promise(function (resolve) {
      if (entry.isFile) {
        entry.file(function (f) { out.push({ file: f, path: prefix + f.name }); resolve(); }, resolve);
      } else if (entry.isDirectory) {
        var reader = entry.createReader(), all = [];
        var more = function () {
          reader.readEntries(function (batch) {
            if (!batch.length) {
              Promise.all(all.map(function (e) { return readEntry(e, prefix + entry.name + "/", out); })).then(resolve);
            } else { all = all.concat(Array.prototype.slice.call(batch)); more(); }
          }, resolve);
        };
        more();
      } else { resolve(); }
    });
  }

  function dropped(event) {
    var items = event.dataTransfer.items, out = [], waits = [];
    if (items && items.length && items[0].webkitGetAsEntry) {
      for (var i = 0; i < items.length; i++) {
        var entry = items[i].webkitGetAsEntry();
        if (entry) { waits.push(readEntry(entry, "", out)); }
      }
      Promise.all(waits).then(function () { upload(out); });
    } else {
      upload(Array.prototype.map.call(event.dataTransfer.files, function (f) { return { file: f, path: f.name }; }));
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var panel = document.querySelector(".job[data-job]");
    if (panel) {
      watch(panel);
      var form = panel.querySelector("form");
      if (form) {
        form.addEventListener("submit", function (e) { e.preventDefault(); cancel(panel.getAttribute("data-job")); });
      }
    }
    var drop = document.getElementById("drop");
    if (drop) {
      ["dragenter", "dragover"].forEach(function (n) {
        drop.addEventListener(n, function (e) { e.preventDefault(); drop.classList.add("over"); });
      });
      ["dragleave", "drop"].forEach(function (n) {
        drop.addEventListener(n, function (e) { e.preventDefault(); drop.classList.remove("over"); });
      });
      drop.addEventListener("drop", dropped);
    }
    ["pick-files", "pick-folder"].forEach(function (id) {
      var input = document.getElementById(id);
      if (input) {
        input.addEventListener("change", function () { upload(fromInput(input)); input.value = ""; });
      }
    });
  });
})();
