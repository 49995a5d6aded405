/* Print buttons ([data-print]): a listener, since the Content-Security-Policy refuses
   inline handlers such as onclick="window.print()". */
(function () {
  "use strict";
  Array.prototype.forEach.call(document.querySelectorAll("[data-print]"), function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
})();
