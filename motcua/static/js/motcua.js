/* motcua: the small behaviours every page shares, kept out of the HTML so the Content-Security-Policy can
   refuse inline scripts. A button with data-print prints the page. */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var target = event.target;
    if (target && target.closest && target.closest("[data-print]")) {
      window.print();
    }
  });
})();
