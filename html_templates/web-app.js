// nianbao serve: drag and drop onto the upload areas, the batch's progress, the status table.
(function () {
  "use strict";
  document.querySelectorAll(".drop").forEach(function (zone) {
    var input = document.getElementById(zone.dataset.input);
    ["dragenter", "dragover"].forEach(function (ev) {
      zone.addEventListener(ev, function (e) { e.preventDefault(); zone.classList.add("over"); });
    });
    ["dragleave", "drop"].forEach(function (ev) {
      zone.addEventListener(ev, function (e) { e.preventDefault(); zone.classList.remove("over"); });
    });
    zone.addEventListener("drop", function (e) {
      if (e.dataTransfer && e.dataTransfer.files.length) { input.files = e.dataTransfer.files; }
    });
  });

  var job = document.getElementById("job");
  var form = document.getElementById("batch-form");
  if (!job || !form) { return; }
  var rows = [], sortKey = null, sortUp = true;

  function cell(tr, text) { var td = document.createElement("td"); td.textContent = text; tr.appendChild(td); return td; }

  function draw() {
    var filter = document.getElementById("status-filter").value;
    var body = document.querySelector("#status-table tbody");
    body.textContent = "";
    var shown = rows.filter(function (r) { return !filter || r.status === filter; });
    if (sortKey) {
      shown.sort(function (a, b) {
        var x = a[sortKey], y = b[sortKey];
        if (x === y) { return 0; }
        return ((x > y) ? 1 : -1) * (sortUp ? 1 : -1);
      });
    }
    shown.forEach(function (r) {
      var tr = document.createElement("tr");
      tr.className = "status-row";
      tr.dataset.status = r.status;
      cell(tr, r.file); cell(tr, r.office); cell(tr, r.year === null ? "" : String(r.year));
      var st = cell(tr, r.status);
      st.className = (r.status === "通过") ? "ok" : (r.status === "有警告" ? "warn" : "bad");
      cell(tr, String(r.errors)); cell(tr, String(r.warnings));
      var last = cell(tr, r.first);
      if (r.reply) {
        var area = document.createElement("textarea");
        area.className = "reply"; area.readOnly = true; area.value = r.reply;
        area.setAttribute("aria-label", "退回说明：" + r.office);
        last.appendChild(area);
      }
      body.appendChild(tr);
    });
  }

  document.querySelectorAll("#status-table th").forEach(function (th) {
    th.addEventListener("click", function () {
      sortUp = (sortKey === th.dataset.key) ? !sortUp : true;
      sortKey = th.dataset.key; draw();
    });
  });
  document.getElementById("status-filter").addEventListener("change", draw);

  function poll(id) {
    fetch("/batch/" + id + "/state").then(function (r) { return r.json(); }).then(function (s) {
      var bar = document.getElementById("progress");
      bar.max = Math.max(s.total, 1); bar.value = s.done;
      document.getElementById("progress-text").textContent = s.what + "：" + s.done + " / " + s.total;
      if (!s.finished) { setTimeout(function () { poll(id); }, 300); return; }
      if (s.failed) { document.getElementById("progress-text").textContent = s.failed; return; }
      bar.value = bar.max;
      document.getElementById("progress-text").textContent = "已完成：共 " + s.rows.length + " 个文件";
      var base = "/batch/" + id + "/download/";
      document.getElementById("dl-status").href = base + "status";
      document.getElementById("dl-reports").href = base + "reports";
      ["xlsx", "docx", "json"].forEach(function (k) { document.getElementById("dl-summary-" + k).href = base + "summary." + k; });
      rows = s.rows; draw();
      document.getElementById("done").hidden = false;
    });
  }

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var data = new FormData(form);
    document.getElementById("batch-button").disabled = true;
    job.hidden = false;
    document.getElementById("done").hidden = true;
    document.getElementById("progress-text").textContent = "正在上传……";
    fetch("/batch", { method: "POST", body: data, headers: { "Accept": "application/json" } })
      .then(function (r) { return r.json().then(function (j) { return [r.status, j]; }); })
      .then(function (res) {
        document.getElementById("batch-button").disabled = false;
        if (res[0] !== 202) { document.getElementById("progress-text").textContent = res[1].error || "上传失败"; return; }
        poll(res[1].id);
      })
      .catch(function () {
        document.getElementById("batch-button").disabled = false;
        document.getElementById("progress-text").textContent = "上传失败：nianbao 是否已关闭？";
      });
  });
  if (job.dataset.job) { poll(job.dataset.job); }
})();
