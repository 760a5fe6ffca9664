// The segment page answers a rejected form or delete (400, 409) with HTML to show in place,
// next to the fields, instead of the error toast.
document.addEventListener('htmx:beforeSwap', function (e) {
  var xhr = e.detail.xhr;
  var type = xhr.getResponseHeader('Content-Type') || '';
  if ((xhr.status === 400 || xhr.status === 409) && type.indexOf('text/html') === 0) {
    e.detail.shouldSwap = true;
    e.detail.isError = false;
  }
});
