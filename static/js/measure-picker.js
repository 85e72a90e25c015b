// The measure picker, better with JavaScript: a box above each picker that narrows its list
// to the measures whose text has every word typed, and a quantity that ticks its measure.
// The picker works without this file: it only hides rows and ticks boxes.
(function () {
  "use strict";

  function words(text) {
    return text.toLowerCase().split(/\s+/).filter(Boolean);
  }

  function filterBox(picker) {
    var wrapper = document.createElement("div");
    wrapper.className = "mb-3";
    var label = document.createElement("label");
    label.className = "form-label";
    label.htmlFor = picker.id + "-filter";
    label.textContent = "Find a measure by code or words";
    var input = document.createElement("input");
    input.type = "search";
    input.className = "form-control";
    input.id = picker.id + "-filter";
    input.autocomplete = "off";
    var status = document.createElement("p");
    status.className = "form-text mb-0";
    status.setAttribute("role", "status");
    wrapper.append(label, input, status);
    return { wrapper: wrapper, input: input, status: status };
  }

  function applyFilter(picker, typed, status) {
    var wanted = words(typed);
    var shown = 0;
    picker.querySelectorAll("[data-measure-theme]").forEach(function (theme) {
      var themeShown = 0;
      var themeName = theme.querySelector("legend").textContent.toLowerCase();
      theme.querySelectorAll("[data-measure]").forEach(function (row) {
        var text = themeName + " " + row.textContent.toLowerCase();
        var match = wanted.every(function (word) { return text.indexOf(word) !== -1; });
        row.hidden = !match;
        if (match) { themeShown += 1; }
      });
      theme.hidden = themeShown === 0;
      shown += themeShown;
    });
    status.textContent = wanted.length
      ? shown + (shown === 1 ? " measure matches." : " measures match.")
      : "";
  }

  function enhance(picker) {
    if (picker.dataset.enhanced) { return; }
    picker.dataset.enhanced = "yes";
    var box = filterBox(picker);
    picker.prepend(box.wrapper);
    box.input.addEventListener("input", function () {
      applyFilter(picker, box.input.value, box.status);
    });
    // Enter in the filter box must not submit the form.
    box.input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); }
    });
    picker.querySelectorAll("[data-quantity-for]").forEach(function (quantity) {
      quantity.addEventListener("input", function () {
        var checkbox = document.getElementById(quantity.dataset.quantityFor);
        if (checkbox && quantity.value.trim()) { checkbox.checked = true; }
      });
    });
  }

  document.querySelectorAll("[data-measure-picker]").forEach(enhance);
})();
