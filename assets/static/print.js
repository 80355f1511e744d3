// The annual report's "Print / save as PDF" button: the browser's own
// print dialog, where "Save as PDF" is one of the printers. The button is
// hidden until this runs, so a page without JavaScript shows no button
// that does nothing. The standalone report file carries this same code
// inline (it is opened from disk, without a server).
(function () {
  'use strict';
  function init() {
    Array.prototype.forEach.call(document.querySelectorAll('button[data-print]'), function (b) {
      b.addEventListener('click', function () { window.print(); });
      b.hidden = false;
    });
  }
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', init);
  } else {
    init();
  }
})();
