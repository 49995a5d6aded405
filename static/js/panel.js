/* Perkline panel: small progressive enhancements. Every page works without this file. */
(function () {
  "use strict";

  function each(selector, fn, root) {
    Array.prototype.forEach.call((root || document).querySelectorAll(selector), fn);
  }

  // Charts wider than a phone open on their latest days, not their oldest.
  each("[data-scroll-end]", function (box) { box.scrollLeft = box.scrollWidth; });

  // The business switcher submits on change (a button is shown without JavaScript).
  each("select[data-autosubmit]", function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });

  // Destructive buttons ask first.
  each("form[data-confirm]", function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) event.preventDefault();
    });
  });

  // Copy a shown-once key.
  each("[data-copy]", function (button) {
    button.addEventListener("click", function () {
      var target = document.querySelector(button.getAttribute("data-copy"));
      if (!target) return;
      var text = target.textContent.trim();
      var done = function () { button.textContent = "✓"; };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(done);
      } else {
        var range = document.createRange();
        range.selectNodeContents(target);
        var selection = window.getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
        try { document.execCommand("copy"); done(); } catch (e) { /* selected: copy by hand */ }
      }
    });
  });

  // A new object's key follows its name until the key is typed in.
  each("form", function (form) {
    var name = form.querySelector("input[name=name]");
    var key = form.querySelector("input[name=key]");
    if (!name || !key || key.value) return;
    var touched = false;
    key.addEventListener("input", function () { touched = true; });
    name.addEventListener("input", function () {
      if (touched) return;
      key.value = name.value.toLowerCase()
        .normalize("NFKD").replace(/[\u0300-\u036f]/g, "")
        .replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 80);
    });
  });

  // Comma-separated code lists: the datalist completes the code after the last comma.
  each("input[data-code-list]", function (input) {
    var listId = input.getAttribute("list");
    var source = listId && document.getElementById(listId);
    if (!source) return;
    var options = Array.prototype.map.call(source.options, function (o) {
      return { value: o.value, label: o.textContent };
    });
    var own = document.createElement("datalist");
    own.id = listId + "-" + input.name;
    document.body.appendChild(own);
    input.setAttribute("list", own.id);
    function refresh() {
      var parts = input.value.split(",");
      var head = parts.slice(0, -1).map(function (p) { return p.trim(); }).filter(Boolean);
      var prefix = head.length ? head.join(", ") + ", " : "";
      var typed = parts[parts.length - 1].trim().toLowerCase();
      own.innerHTML = "";
      options.filter(function (o) {
        return head.indexOf(o.value) < 0 &&
          (!typed || o.value.toLowerCase().indexOf(typed) >= 0 || o.label.toLowerCase().indexOf(typed) >= 0);
      }).slice(0, 50).forEach(function (o) {
        var option = document.createElement("option");
        option.value = prefix + o.value;
        option.textContent = o.label;
        own.appendChild(option);
      });
    }
    input.addEventListener("input", refresh);
    input.addEventListener("focus", refresh);
  });

  // The rule form: show the sections that mean something for the chosen action.
  each("form.rule-form", function (form) {
    var action = form.querySelector("select[name=action]");
    var groups = {
      goods: (form.getAttribute("data-goods-actions") || "").split(" "),
      credit: (form.getAttribute("data-credit-actions") || "").split(" "),
      issue: (form.getAttribute("data-issue-actions") || "").split(" "),
      // promotions.md: the fields of the cheapest-units and bundle actions, the cap
      cheapest: (form.getAttribute("data-cheapest-actions") || "").split(" "),
      bundle: (form.getAttribute("data-bundle-actions") || "").split(" "),
      capped: (form.getAttribute("data-capped-actions") || "").split(" "),
      "goods-include": (form.getAttribute("data-goods-include-actions") || "").split(" ")
    };
    function update() {
      each("[data-show-for]", function (section) {
        var list = groups[section.getAttribute("data-show-for")] || [];
        var relevant = list.indexOf(action.value) >= 0;
        // A section with an error stays visible so that the message can be read.
        section.hidden = !relevant && !section.querySelector(".has-error");
      }, form);
    }
    if (action) {
      action.addEventListener("change", update);
      update();
    }

    // Threshold rows: "Add a row" copies the empty row of the formset.
    var table = form.querySelector("[data-rows] tbody");
    var template = form.querySelector("template[data-row-template]");
    var add = form.querySelector("[data-add-row]");
    var total = form.querySelector("input[name=thresholds-TOTAL_FORMS]");
    if (table && template && add && total) {
      add.hidden = false;
      add.addEventListener("click", function () {
        var index = parseInt(total.value, 10);
        var html = template.innerHTML.replace(/__prefix__/g, String(index));
        var holder = document.createElement("tbody");
        holder.innerHTML = html.trim();
        table.appendChild(holder.firstElementChild);
        total.value = String(index + 1);
      });
    }
  });
})();
