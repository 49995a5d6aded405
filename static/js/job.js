/* Poll each running job's progress every second; reload once one finishes so that the
   page shows its results. */
(function () {
  /* The bar's width comes from data-percent: an inline style attribute would break the
     Content-Security-Policy (style-src 'self'). */
  Array.prototype.forEach.call(document.querySelectorAll(".progress__bar[data-percent]"), function (bar) {
    bar.style.width = bar.getAttribute("data-percent") + "%";
  });
  var running = document.querySelectorAll("[data-job][data-running]");
  if (!running.length || !window.fetch) return;
  function poll(box) {
    fetch(box.getAttribute("data-progress-url"), {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (s) {
        box.querySelector(".progress__bar").style.width = s.percent + "%";
        box.querySelector(".progress").setAttribute("aria-valuenow", s.percent);
        box.querySelector("[data-done]").textContent = s.done.toLocaleString(document.documentElement.lang);
        box.querySelector("[data-total]").textContent = s.total.toLocaleString(document.documentElement.lang);
        box.querySelector("[data-state]").textContent = s.state_label;
        if (s.finished) { window.location.reload(); return; }
        setTimeout(function () { poll(box); }, 1000);
      })
      .catch(function () { setTimeout(function () { poll(box); }, 3000); });
  }
  Array.prototype.forEach.call(running, function (box) { setTimeout(function () { poll(box); }, 1000); });
})();
