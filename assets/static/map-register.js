// window.os2pulseLoadMap() fetches the Denmark municipality map and
// registers it with ECharts as "denmark", then dispatches the document
// event "os2pulse:map-ready" (or "os2pulse:map-error" with the error as
// detail). The map is large: charts.js asks for it only when a map comes
// into view, and once. Chart code that may run later can check
// window.os2pulseMapReady first.
//
// Load it as an external script after echarts.min.js, e.g.
//   <script src="/static/echarts.min.js?v=V" defer></script>
//   <script src="/static/map-register.js?v=V" defer></script>
// It uses no eval and no inline code, so it works under
// Content-Security-Policy: script-src 'self'. The GeoJSON is passed to
// ECharts as an object, which keeps ECharts off its string-parsing path.
(function () {
  'use strict';

  // Reuse this script's ?v= so the map is cached as long as the page assets.
  var version = '';
  if (document.currentScript && document.currentScript.src) {
    version = new URL(document.currentScript.src, document.baseURI).searchParams.get('v') || '';
  }
  var url = '/static/geo/dk_municipalities.json' + (version ? '?v=' + encodeURIComponent(version) : '');

  var asked = false;
  window.os2pulseLoadMap = function () {
    if (asked) {
      return;
    }
    asked = true;
    load();
  };

  function load() {
    fetch(url, { credentials: 'same-origin' })
      .then(function (res) {
        if (!res.ok) {
          throw new Error('GET ' + url + ': HTTP ' + res.status);
        }
        return res.json();
      })
      .then(function (geojson) {
        window.echarts.registerMap('denmark', geojson);
        window.os2pulseMapReady = true;
        document.dispatchEvent(new CustomEvent('os2pulse:map-ready'));
      })
      .catch(function (err) {
        console.error('os2pulse: Denmark map not loaded:', err);
        document.dispatchEvent(new CustomEvent('os2pulse:map-error', { detail: err }));
      });
  }
})();
