/* Show the fields that mean something for the chosen reward, validity and code mode;
   a field with an error stays visible. Without JavaScript every field shows. */
(function () {
  var form = document.querySelector("form.series-form");
  if (!form) return;
  var labels = {bits: form.getAttribute("data-label-bits"), low: form.getAttribute("data-label-low")};
  function chosen(name) {
    var checked = form.querySelector("input[name=" + name + "]:checked");
    return checked ? checked.value : "";
  }
  function update() {
    form.querySelectorAll("[data-show-when]").forEach(function (el) {
      var rule = el.getAttribute("data-show-when").split("=");
      var show = rule[1].split(",").indexOf(chosen(rule[0])) >= 0;
      el.hidden = !show && !el.querySelector(".has-error");
    });
    var example = form.querySelector("[data-code-example]");
    if (example && !example.hidden) {
      var alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
      var prefix = (form.querySelector("[name=code_prefix]").value || "").toUpperCase().replace(/[^A-Z0-9]/g, "");
      var length = parseInt(form.querySelector("[name=code_length]").value, 10) || 0;
      var group = parseInt(form.querySelector("[name=code_group]").value, 10) || 0;
      var random = "";
      for (var i = 0; i < Math.min(length, 40); i++) random += alphabet[(i * 7 + 3) % alphabet.length];
      var parts = group > 0 ? random.match(new RegExp(".{1," + group + "}", "g")) || [] : [random];
      if (prefix) parts.unshift(prefix);
      var bits = length * Math.log2(alphabet.length);
      example.querySelector("code").textContent = parts.join("-") || "—";
      example.querySelector("span").textContent = "· " + bits.toFixed(1) + " " + labels.bits + (bits < 40 ? " " + labels.low : "");
    }
  }
  form.addEventListener("change", update);
  form.addEventListener("input", update);
  update();
})();
