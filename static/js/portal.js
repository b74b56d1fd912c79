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
