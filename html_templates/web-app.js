// nianbao serve: what JavaScript adds to pages that work without it — drag and drop, the chosen file's
// name, working states, the download enabled by 仍然生成, cell links that centre and flash the cell,
// the batch's progress without reloading, 复制 for a 退回说明, and the 汇总 downloaded with a working state.
(function () {
  "use strict";

  function chosen(input) {
    var names = Array.prototype.map.call(input.files || [], function (f) { return f.name; });
    document.querySelectorAll('.chosen[data-for="' + input.id + '"]').forEach(function (el) {
      el.textContent = names.length ? "已选择：" + names.slice(0, 3).join("、") +
        (names.length > 3 ? " 等 " + names.length + " 个文件" : "") : "";
    });
  }

  document.querySelectorAll(".drop").forEach(function (zone) {
    var input = document.getElementById(zone.dataset.input);
    ["dragenter", "dragover"].forEach(function (ev) {
      zone.addEventListener(ev, function (e) { e.preventDefault(); zone.classList.add("over"); });
    });
    ["dragleave", "drop"].forEach(function (ev) {
      zone.addEventListener(ev, function (e) { e.preventDefault(); zone.classList.remove("over"); });
    });
    zone.addEventListener("drop", function (e) {
      if (e.dataTransfer && e.dataTransfer.files.length) { input.files = e.dataTransfer.files; chosen(input); }
    });
  });
  document.querySelectorAll('input[type="file"]').forEach(function (input) {
    input.addEventListener("change", function () {
      chosen(input);
      if (input.hasAttribute("data-autosubmit") && input.files.length) { input.form.requestSubmit(); }
    });
  });
  document.querySelectorAll(".js-hide").forEach(function (el) { el.hidden = true; });

  // a form that uploads shows that it works, and cannot be sent twice
  [["check-form", "check-button", "正在检查……"], ["batch-form", "batch-button", "正在上传……"],
   ["reupload-form", null, "正在检查……"]].forEach(function (spec) {
    var form = document.getElementById(spec[0]);
    if (!form) { return; }
    form.addEventListener("submit", function () {
      var button = spec[1] ? document.getElementById(spec[1]) : form.querySelector("label.button");
      if (button) { button.textContent = spec[2]; button.setAttribute("aria-busy", "true"); }
      setTimeout(function () { form.querySelectorAll("button").forEach(function (b) { b.disabled = true; }); }, 0);
    });
  });

  // 下载 Word 报告 with errors: enabled only while 仍然生成 is ticked (both copies of the form agree)
  var forces = document.querySelectorAll("input.force");
  function syncForce(checked) {
    forces.forEach(function (box) { box.checked = checked; });
    document.querySelectorAll("button.download[data-needs]").forEach(function (b) {
      b.disabled = !checked;
      b.textContent = checked ? "下载 Word 报告（只供核对，不能发布）" : "下载 Word 报告（先勾选“仍然生成”）";
    });
  }
  if (forces.length) {
    syncForce(forces[0].checked);
    forces.forEach(function (box) { box.addEventListener("change", function () { syncForce(box.checked); }); });
  }

  // a cell reference: the cell centred in the preview and flashed
  document.addEventListener("click", function (e) {
    var link = e.target.closest && e.target.closest("a.cell-link");
    if (!link) { return; }
    var target = document.getElementById(link.getAttribute("href").slice(1));
    if (!target) { return; }
    e.preventDefault();
    history.replaceState(null, "", "#" + target.id);
    document.querySelectorAll(".flash").forEach(function (el) { el.classList.remove("flash"); });
    target.classList.add("flash");
    target.scrollIntoView({ block: "center", inline: "center" });
  });

  // 复制 a 退回说明
  document.querySelectorAll("button.copy").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var text = document.getElementById(button.dataset.copy).textContent;
      var said = button.nextElementSibling;
      function done(ok) { said.textContent = ok ? "已复制" : "无法复制，请在“查看退回说明”中选中文字复制"; }
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(text).then(function () { done(true); }, function () { done(false); });
      } else {
        done(false);
      }
    });
  });

  // the batch in progress: polled, the page reloaded (its own address) when done
  var job = document.getElementById("job");
  if (job && !job.dataset.finished) {
    var poll = function () {
      fetch("/batch/" + job.dataset.job + "/state", { headers: { "Accept": "application/json" } })
        .then(function (r) { return r.json(); })
        .then(function (s) {
          if (s.finished || s.error) { location.reload(); return; }
          var bar = document.getElementById("progress");
          bar.max = Math.max(s.total, 1); bar.value = s.done;
          document.getElementById("progress-text").textContent = s.what + "：" + s.done + " / " + s.total;
          setTimeout(poll, 400);
        })
        .catch(function () {
          document.getElementById("progress-text").textContent = "无法连接 nianbao：它是否已关闭？";
        });
    };
    setTimeout(poll, 300);
  }

  // 汇总: fetched, so that the page shows the few seconds it takes and says a refusal in its own words
  var summary = document.getElementById("summary-form");
  if (summary) {
    summary.addEventListener("submit", function (e) {
      var button = e.submitter;
      if (!button) { return; }
      e.preventDefault();
      var out = document.getElementById("summary-state");
      var params = new URLSearchParams(new FormData(summary));
      params.set("kind", button.value);
      var buttons = summary.querySelectorAll("button.summary");
      var label = button.textContent;
      buttons.forEach(function (b) { b.disabled = true; });
      button.setAttribute("aria-busy", "true");
      button.textContent = "正在汇总……";
      out.className = "banner";
      out.removeAttribute("role");
      out.textContent = "正在汇总（需要几秒钟）……";
      function finish() {
        buttons.forEach(function (b) { b.disabled = false; });
        button.removeAttribute("aria-busy");
        button.textContent = label;
      }
      fetch(summary.action + "?" + params.toString(), { headers: { "Accept": "application/json" } })
        .then(function (r) {
          if (!r.ok) {
            return r.json().then(function (j) { throw new Error(j.error || "无法汇总。"); });
          }
          var disposition = r.headers.get("Content-Disposition") || "";
          var m = /filename\*=UTF-8''([^;]+)/.exec(disposition);
          var name = m ? decodeURIComponent(m[1]) : "汇总." + button.value;
          return r.blob().then(function (blob) {
            var a = document.createElement("a");
            a.href = URL.createObjectURL(blob);
            a.download = name;
            document.body.appendChild(a);
            a.click();
            setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
            out.className = "banner ok";
            out.textContent = "已下载：" + name;
          });
        })
        .catch(function (err) {
          out.className = "banner bad";
          out.setAttribute("role", "alert");
          out.textContent = err.message;
        })
        .then(finish);
    });
  }
})();
