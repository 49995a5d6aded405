/* Message template editor: as the owner types, ask the server for the text filled in with
   the sample customer, its SMS length and its problems (the server counts as it checks). */
(function () {
  "use strict";
  var form = document.querySelector("form.message-template");
  if (!form) return;
  var url = form.getAttribute("data-preview-url");
  var csrf = form.querySelector("[name=csrfmiddlewaretoken]").value;
  var labels = {
    chars: form.getAttribute("data-label-chars"),
    sms: form.getAttribute("data-label-sms"),
    failed: form.getAttribute("data-label-failed")
  };

  function render(box, data) {
    box.querySelector(".template-preview__text").textContent = data.text;
    box.querySelector(".template-preview__length").textContent =
      data.characters + " " + labels.chars + " · " + data.segments + " " + labels.sms + " · " + data.encoding;
    var list = box.querySelector(".template-preview__problems");
    list.textContent = "";
    (data.problems || []).forEach(function (problem) {
      var item = document.createElement("li");
      item.className = "field__error";
      item.textContent = problem;
      list.appendChild(item);
    });
  }

  form.querySelectorAll("textarea[data-language]").forEach(function (area) {
    var box = form.querySelector('[data-preview-for="' + area.id + '"]');
    if (!box) return;
    var timer = null, sent = 0;
    area.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var mine = ++sent;
        fetch(url, {
          method: "POST",
          credentials: "same-origin",
          headers: {"Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrf},
          body: JSON.stringify({language: area.getAttribute("data-language"), text: area.value})
        }).then(function (response) {
          if (!response.ok) throw new Error(String(response.status));
          return response.json();
        }).then(function (data) {
          if (mine === sent) render(box, data);  // an older answer arriving late is dropped
        }).catch(function () {
          box.querySelector(".template-preview__length").textContent = labels.failed;
        });
      }, 250);
    });
  });
})();
