// Small progressive enhancements; every page works without them.
(function () {
  "use strict";

  // Live character counters for fields with a maximum length:
  // <textarea maxlength="500" data-counter> gets "123 / 500" under it.
  function attachCounter(field) {
    var max = parseInt(field.getAttribute("maxlength"), 10);
    if (!max) { return; }
    var counter = document.createElement("div");
    counter.className = "form-text text-end char-counter";
    counter.setAttribute("aria-live", "polite");
    field.insertAdjacentElement("afterend", counter);
    function update() {
      var length = field.value.length;
      counter.textContent = length + " / " + max;
      counter.classList.toggle("text-danger", length > max * 0.95);
    }
    field.addEventListener("input", update);
    update();
  }

  document.querySelectorAll("[data-counter]").forEach(attachCounter);
})();

// Application form (submissions): "add a row" buttons for formsets and the running total
// of the companies' shares. Without JavaScript the page offers one empty row per save.
(function () {
  "use strict";

  function attachCounters(root) {
    root.querySelectorAll("[data-counter]").forEach(function (field) {
      if (field.nextElementSibling && field.nextElementSibling.classList.contains("char-counter")) { return; }
      var max = parseInt(field.getAttribute("maxlength"), 10);
      if (!max) { return; }
      var counter = document.createElement("div");
      counter.className = "form-text text-end char-counter";
      counter.setAttribute("aria-live", "polite");
      field.insertAdjacentElement("afterend", counter);
      function update() { counter.textContent = field.value.length + " / " + max; }
      field.addEventListener("input", update);
      update();
    });
  }

  function updateShares() {
    document.querySelectorAll("[data-share-total]").forEach(function (output) {
      var total = 0;
      document.querySelectorAll("[data-share]").forEach(function (input) {
        var row = input.closest("[data-formset-row]");
        var remove = row && row.querySelector("input[type=checkbox][name$='-DELETE']");
        if (remove && remove.checked) { return; }
        var value = parseFloat((input.value || "").replace(",", "."));
        if (!isNaN(value)) { total += value; }
      });
      total = Math.round(total * 100) / 100;
      output.textContent = String(total);
      var box = output.closest("[data-share-box]");
      if (box) {
        box.classList.toggle("text-success", total === 100);
        box.classList.toggle("text-danger", total !== 100);
      }
    });
  }

  document.querySelectorAll("[data-formset-add]").forEach(function (button) {
    var prefix = button.getAttribute("data-formset-add");
    var template = document.getElementById(prefix + "-empty-form");
    var body = document.querySelector("[data-formset-body='" + prefix + "']");
    var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
    var max = document.getElementById("id_" + prefix + "-MAX_NUM_FORMS");
    if (!template || !body || !total) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      var index = parseInt(total.value, 10);
      if (max && index >= parseInt(max.value, 10)) { return; }
      var holder = document.createElement("div");
      holder.innerHTML = template.innerHTML.replace(/__prefix__/g, String(index));
      var row = holder.firstElementChild;
      body.appendChild(row);
      total.value = String(index + 1);
      attachCounters(row);
      var first = row.querySelector("input:not([type=hidden]), select, textarea");
      if (first) { first.focus(); }
    });
  });

  document.addEventListener("input", function (event) {
    if (event.target.matches("[data-share]")) { updateShares(); }
  });
  document.addEventListener("change", function (event) {
    if (event.target.matches("input[name$='-DELETE']")) { updateShares(); }
  });
  updateShares();
})();

// Actions that replace or freeze work ask first: <form data-confirm="Are you sure…?">.
(function () {
  "use strict";

  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute && event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  });
})();

// Selection dossiers (staff): while a build runs, its row asks the status address every
// few seconds and shows the progress; when a build ends the page reloads with its files.
(function () {
  "use strict";

  var root = document.querySelector("[data-dossier-status-url]");
  if (!root || !window.fetch) { return; }
  var address = root.getAttribute("data-dossier-status-url");

  function runningRows() {
    return Array.prototype.slice.call(root.querySelectorAll("[data-dossier-running]"));
  }

  function poll() {
    var rows = runningRows();
    if (!rows.length) { return; }
    var query = rows.map(function (row) {
      return "id=" + encodeURIComponent(row.getAttribute("data-dossier"));
    }).join("&");
    fetch(address + "?" + query, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(function (data) {
        var ended = false;
        var seen = {};
        data.dossiers.forEach(function (dossier) {
          seen[String(dossier.id)] = true;
          var row = root.querySelector("[data-dossier='" + dossier.id + "']");
          if (!row) { return; }
          if (!dossier.running) { ended = true; return; }
          var progress = row.querySelector("[data-dossier-progress]");
          var label = row.querySelector("[data-dossier-label]");
          if (progress) {
            progress.value = dossier.progress;
            progress.textContent = dossier.progress + " %";
          }
          if (label) { label.textContent = dossier.label; }
        });
        rows.forEach(function (row) {
          if (!seen[row.getAttribute("data-dossier")]) { ended = true; }
        });
        if (ended) {
          window.location.reload();
        } else {
          window.setTimeout(poll, 2000);
        }
      })
      .catch(function () { window.setTimeout(poll, 10000); });
  }

  window.setTimeout(poll, 2000);
})();
