/* Live preview for the lesson and quiz editors (progressive enhancement).
 *
 * Without JavaScript the editor's "Preview" button renders the same thing on the
 * server. With it, the text is posted to the preview endpoint a moment after the
 * trainer stops typing, and the returned HTML (rendered and sanitised by the server,
 * exactly as learners get it) replaces the preview. The CSRF token comes from the
 * editor's own form.
 */
(function () {
  "use strict";

  var DELAY_MS = 400;

  function enhance(textarea) {
    var url = textarea.getAttribute("data-preview-url");
    var target = document.getElementById(textarea.getAttribute("data-preview-target"));
    var form = textarea.form;
    if (!url || !target || !form || !window.fetch || !window.FormData) {
      return;
    }
    var tokenField = form.querySelector('input[name="csrf_token"]');
    var timer = null;
    var controller = null;
    var status = document.createElement("p");
    status.className = "meta editor-status";
    status.setAttribute("aria-live", "polite");
    target.parentNode.insertBefore(status, target);

    function refresh() {
      if (controller) {
        controller.abort();
      }
      controller = window.AbortController ? new AbortController() : null;
      var body = new FormData();
      body.append("source", textarea.value);
      var headers = { "X-Requested-With": "fetch" };
      if (tokenField) {
        body.append("csrf_token", tokenField.value);
        headers["X-CSRFToken"] = tokenField.value;
      }
      status.textContent = "Updating the preview…";
      fetch(url, {
        method: "POST",
        body: body,
        headers: headers,
        credentials: "same-origin",
        signal: controller ? controller.signal : undefined
      })
        .then(function (response) {
          if (!response.ok) {
            throw new Error("status " + response.status);
          }
          return response.json();
        })
        .then(function (data) {
          target.innerHTML = data.html;
          var hasErrors = data.errors > 0;
          textarea.setAttribute("aria-invalid", hasErrors ? "true" : "false");
          var describedBy = "source-hint" + (hasErrors ? " source-errors" : "");
          textarea.setAttribute("aria-describedby", describedBy);
          status.textContent = hasErrors
            ? "Preview updated: " + data.errors + " error(s) to fix."
            : "Preview updated.";
        })
        .catch(function (error) {
          if (error && error.name === "AbortError") {
            return;
          }
          status.textContent = "The live preview is unavailable; use the Preview button.";
        });
    }

    textarea.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(refresh, DELAY_MS);
    });
  }

  var areas = document.querySelectorAll("textarea[data-preview-url]");
  for (var i = 0; i < areas.length; i += 1) {
    enhance(areas[i]);
  }
})();
