// Filters and sorts the catalogue and the organisation lookup in the
// browser, without a round trip. The server does the same from the query
// (?q=, a select per column, ?sort=), so the page works without this
// file; this only spares the reload, reading what the page gives:
//   <form data-filter="TABLE-ID"> with an input named q and selects
//   <table id="TABLE-ID"> whose rows carry data-search (lower-case words),
//     data-NAME for each select and data-sort-KEY for each sort key
//   <a data-sort="KEY" data-dir="ascending|descending"> in the headings
//   <p id="TABLE-ID-count" data-template="… {shown} … {total} …">
//   <tr class="none"> shown when no row is.
(function () {
  'use strict';

  function setup(form) {
    var table = document.getElementById(form.getAttribute('data-filter'));
    if (!table) {
      return;
    }
    var body = table.tBodies[0];
    var rows = Array.prototype.filter.call(body.rows, function (r) { return !r.classList.contains('none'); });
    var none = body.querySelector('tr.none');
    var count = document.getElementById(table.id + '-count');

    function filter() {
      var words = (form.elements.q ? form.elements.q.value : '').toLowerCase().split(/\s+/).filter(Boolean);
      var selects = Array.prototype.filter.call(form.elements, function (e) { return e.tagName === 'SELECT'; });
      var shown = 0;
      rows.forEach(function (r) {
        var search = r.getAttribute('data-search') || '';
        var ok = words.every(function (w) { return search.indexOf(w) >= 0; }) &&
          selects.every(function (s) { return s.value === '' || r.getAttribute('data-' + s.name) === s.value; });
        r.hidden = !ok;
        if (ok) {
          shown++;
        }
      });
      if (none) {
        none.hidden = shown > 0;
      }
      if (count && count.getAttribute('data-template')) {
        count.textContent = count.getAttribute('data-template')
          .replace('{shown}', shown.toLocaleString(document.documentElement.lang))
          .replace('{total}', rows.length.toLocaleString(document.documentElement.lang));
      }
      remember();
    }

    // remember keeps the address in step with what is shown, so that a
    // reload or a shared link shows the same.
    var sortKey = form.elements.sort ? form.elements.sort.value : '';
    function remember() {
      var q = new URLSearchParams(window.location.search);
      Array.prototype.forEach.call(form.elements, function (e) {
        if (!e.name || e.type === 'submit' || e.name === 'sort') {
          return;
        }
        if (e.value) {
          q.set(e.name, e.value);
        } else {
          q.delete(e.name);
        }
      });
      if (sortKey) {
        q.set('sort', sortKey);
      }
      var s = q.toString();
      window.history.replaceState(null, '', window.location.pathname + (s ? '?' + s : ''));
    }

    function sortBy(link) {
      var key = link.getAttribute('data-sort');
      var th = link.closest('th');
      var dir = link.getAttribute('data-dir');
      if (th.getAttribute('aria-sort') === dir) {
        dir = dir === 'ascending' ? 'descending' : 'ascending';
      }
      var numeric = link.hasAttribute('data-numeric');
      var value = function (r) {
        var v = r.getAttribute('data-sort-' + key) || '';
        if (!numeric) {
          return v;
        }
        var n = parseFloat(v);
        return isNaN(n) ? Infinity : n;
      };
      var name = function (r) { return r.getAttribute('data-sort-name') || ''; };
      var sign = dir === 'ascending' ? 1 : -1;
      var sorted = rows.slice().sort(function (a, b) {
        var va = value(a), vb = value(b);
        var c = numeric ? (va < vb ? -1 : va > vb ? 1 : 0) : String(va).localeCompare(String(vb), document.documentElement.lang);
        return c !== 0 ? sign * c : name(a).localeCompare(name(b), document.documentElement.lang);
      });
      sorted.forEach(function (r) { body.insertBefore(r, none); });
      rows = sorted;
      Array.prototype.forEach.call(table.tHead.rows[0].cells, function (c) { c.removeAttribute('aria-sort'); });
      th.setAttribute('aria-sort', dir);
      sortKey = key;
      remember();
    }

    form.addEventListener('input', filter);
    form.addEventListener('change', filter);
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      filter();
    });
    Array.prototype.forEach.call(table.querySelectorAll('thead a[data-sort]'), function (link) {
      link.addEventListener('click', function (e) {
        e.preventDefault();
        sortBy(link);
      });
    });
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll('form[data-filter]'), setup);
  }
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', init);
  } else {
    init();
  }
})();
