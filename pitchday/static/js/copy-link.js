// "Copier le lien": puts the company's link on the clipboard, and says so. Without the clipboard API
// (plain HTTP on a LAN is not a secure context) the link is selected for a manual copy.
(function () {
  "use strict";
  Array.prototype.forEach.call(document.querySelectorAll("button[data-copy]"), function (button) {
    var field = document.getElementById(button.getAttribute("data-copy"));
    var status = document.getElementById(button.getAttribute("data-status"));
    if (!field) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      function done(message) { if (status) { status.textContent = button.getAttribute(message); } }
      field.focus();
      field.select();
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(function () { done("data-msg-copied"); },
                                                        function () { done("data-msg-select"); });
      } else {
        done("data-msg-select");
      }
    });
  });
})();
