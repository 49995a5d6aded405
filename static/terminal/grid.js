/* The till's item grid: category tabs and goods buttons. Tapping a button adds the item the
   same way as picking it from the search: till.js listens for "till:add" on #till. */
(function () {
  "use strict";
  var grid = document.getElementById("item-grid");
  var till = document.getElementById("till");
  if (!grid || !till) return;
  var tabs = grid.querySelectorAll(".item-grid__tab");

  function select(tab) {
    tabs.forEach(function (t) {
      var on = t === tab;
      t.setAttribute("aria-selected", on ? "true" : "false");
      t.tabIndex = on ? 0 : -1;
      document.getElementById(t.getAttribute("aria-controls")).hidden = !on;
    });
  }
  grid.addEventListener("click", function (event) {
    var tab = event.target.closest(".item-grid__tab");
    if (tab) { select(tab); return; }
    var item = event.target.closest(".item-grid__item");
    if (!item) return;
    till.dispatchEvent(new CustomEvent("till:add", {
      detail: { code: item.dataset.code, title: item.dataset.title, price: item.dataset.price }
    }));
  });
  grid.querySelector("[role=tablist]").addEventListener("keydown", function (event) {
    if (event.key !== "ArrowRight" && event.key !== "ArrowLeft") return;
    var list = Array.prototype.slice.call(tabs);
    var index = list.indexOf(document.activeElement);
    if (index < 0) return;
    var next = list[(index + (event.key === "ArrowRight" ? 1 : list.length - 1)) % list.length];
    select(next);
    next.focus();
  });
  select(tabs[0]);
})();
