// Draws every chart of a page. Each chart is a
//   <div data-chart="ID"> container and a
//   <script type="application/json" id="ID"> block
// holding {"option": <ECharts option>, "format": "integer"|"percent",
// "lang": "da"|"en", "map": true?}. The block is only ever JSON.parsed, so
// data stays data, and this file is the page's only chart code: it runs
// under Content-Security-Policy script-src 'self' without eval or inline
// script.
//
// Tooltips are built from DOM text nodes, never from HTML strings: names
// from GitHub and the register cannot inject markup, and no inline style
// attribute is needed (which style-src 'self' would refuse).
(function () {
  'use strict';

  var charts = [];

  function numberFormat(lang, format) {
    var locale = lang === 'en' ? 'en-GB' : 'da-DK';
    var nf = format === 'percent'
      ? new Intl.NumberFormat(locale, { style: 'percent', minimumFractionDigits: 0, maximumFractionDigits: 1 })
      : new Intl.NumberFormat(locale, { maximumFractionDigits: 1 });
    return function (v) {
      if (typeof v !== 'number' || !isFinite(v)) {
        return '–';
      }
      // Intl writes "72,4 %" with a no-break space; the server writes a
      // plain space, and the two should read the same.
      return nf.format(v).replace(/\u00a0/g, ' ');
    };
  }

  function value(p) {
    var v = p.value;
    if (Array.isArray(v)) {
      v = v[v.length - 1];
    }
    return v;
  }

  function tooltipFormatter(fmt) {
    return function (params) {
      var list = Array.isArray(params) ? params : [params];
      var box = document.createElement('div');
      box.className = 'tt';
      if (list.length === 0) {
        return box;
      }
      var first = list[0];
      var head = document.createElement('div');
      head.className = 'tt-head';
      head.textContent = (first.data && typeof first.data.title === 'string' && first.data.title) ||
        first.axisValueLabel || first.name || '';
      box.appendChild(head);
      list.forEach(function (p) {
        var row = document.createElement('div');
        row.className = 'tt-row';
        var swatch = document.createElement('span');
        swatch.className = 'tt-swatch';
        if (typeof p.color === 'string') {
          // A DOM style property, not an attribute: CSP allows it.
          swatch.style.backgroundColor = p.color;
        }
        row.appendChild(swatch);
        var text = (p.data && typeof p.data.text === 'string') ? p.data.text : fmt(value(p));
        row.appendChild(document.createTextNode((p.seriesName ? p.seriesName + ': ' : '') + text));
        box.appendChild(row);
      });
      return box;
    };
  }

  function eachAxis(axes, fn) {
    if (!axes) {
      return;
    }
    (Array.isArray(axes) ? axes : [axes]).forEach(fn);
  }

  function prepare(spec) {
    var opt = spec.option || {};
    var fmt = numberFormat(spec.lang, spec.format);
    opt.tooltip = opt.tooltip || {};
    opt.tooltip.formatter = tooltipFormatter(fmt);
    opt.tooltip.confine = true;
    opt.textStyle = { fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif', color: '#1a1a1a' };
    [opt.xAxis, opt.yAxis].forEach(function (axes) {
      eachAxis(axes, function (axis) {
        if (axis.type === 'value') {
          axis.axisLabel = axis.axisLabel || {};
          axis.axisLabel.formatter = fmt;
          axis.axisLabel.color = '#1a1a1a';
        } else {
          axis.axisLabel = axis.axisLabel || {};
          axis.axisLabel.color = '#1a1a1a';
        }
      });
    });
    if (window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)').matches) {
      opt.animation = false;
    }
    return opt;
  }

  function draw(el, spec) {
    // The no-JavaScript note goes; ECharts fills the container.
    el.textContent = '';
    var chart = window.echarts.init(el, null, { renderer: 'canvas' });
    chart.setOption(prepare(spec));
    charts.push(chart);
    el.setAttribute('data-rendered', 'true');
  }

  function init() {
    var els = document.querySelectorAll('[data-chart]');
    Array.prototype.forEach.call(els, function (el) {
      var block = document.getElementById(el.getAttribute('data-chart'));
      if (!block) {
        console.error('os2pulse: no chart data for', el.id);
        return;
      }
      var spec;
      try {
        spec = JSON.parse(block.textContent);
      } catch (e) {
        console.error('os2pulse: unreadable chart data for', el.id, e);
        return;
      }
      if (!spec.map || window.os2pulseMapReady) {
        draw(el, spec);
        return;
      }
      document.addEventListener('os2pulse:map-ready', function () { draw(el, spec); }, { once: true });
    });
  }

  // Data tables sit in closed <details>; open them for printing, where
  // a canvas chart alone does not show the numbers.
  var opened = [];
  window.addEventListener('beforeprint', function () {
    Array.prototype.forEach.call(document.querySelectorAll('details.data:not([open])'), function (d) {
      d.open = true;
      opened.push(d);
    });
    charts.forEach(function (c) { c.resize(); });
  });
  window.addEventListener('afterprint', function () {
    opened.forEach(function (d) { d.open = false; });
    opened = [];
    charts.forEach(function (c) { c.resize(); });
  });

  var pending;
  window.addEventListener('resize', function () {
    clearTimeout(pending);
    pending = setTimeout(function () { charts.forEach(function (c) { c.resize(); }); }, 100);
  });

  if (!window.echarts) {
    console.error('os2pulse: ECharts is not loaded');
    return;
  }
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', init);
  } else {
    init();
  }
})();
