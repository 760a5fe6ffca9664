// Shows a request's problem details (or a network failure) in the toast instead of failing silently.
(function () {
  function toast(message) {
    var el = document.getElementById('toast');
    if (!el) return;
    el.textContent = message;
    el.hidden = false;
    clearTimeout(el._timer);
    el._timer = setTimeout(function () { el.hidden = true; }, 8000);
  }
  document.addEventListener('htmx:responseError', function (e) {
    var xhr = e.detail.xhr, text = 'Request failed (' + xhr.status + ')';
    try {
      var problem = JSON.parse(xhr.responseText);
      text = problem.detail || problem.title || text;
    } catch (ignored) { /* not JSON */ }
    toast(text);
  });
  document.addEventListener('htmx:sendError', function () { toast('The server did not answer; check that it is running.'); });
  window.segmentsToast = toast;
})();
