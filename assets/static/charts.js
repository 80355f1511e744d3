// Draws every chart of a page. Each chart is a
//   <div data-chart="ID"> container and a
//   <script type="application/json" id="ID"> block
// holding {"option": <ECharts option>, "format": "integer"|"percent",
// "lang": "da"|"en", "links": {name: path}?}. Maps come drawn as SVG
// (<div data-svg-chart>), each municipality's page in its data-href. The block is
// only ever JSON.parsed, so data stays data, and this file is the page's
// only chart code: it runs under Content-Security-Policy script-src 'self'
// without eval or inline script.
//
// A click on a bar, a category name or a map area opens the page in
// "links" under its name (a product's, a municipality's). A chart's
// "Download image" button (data-download="<container id>") saves it as a
// PNG from ECharts' own export, with the chart's title and source drawn
// above and below it.
//
// Tooltips are built from DOM text nodes, never from HTML strings: names
// from GitHub and the register cannot inject markup, and no inline style
// attribute is needed (which style-src 'self' would refuse).
(function () {
  'use strict';

  var charts = [];

  // ECharts itself is loaded when the first chart is to be drawn, not
  // with the page: a page whose charts are further down starts without
  // it. The layout names it on this script's tag (data-echarts).
  var echartsSrc = (document.currentScript && document.currentScript.getAttribute('data-echarts')) || '';
  var echartsLoading = null;

  function withECharts(fn) {
    if (window.echarts) {
      fn();
      return;
    }
    if (!echartsLoading) {
      echartsLoading = new Promise(function (resolve, reject) {
        var s = document.createElement('script');
        s.src = echartsSrc;
        s.onload = resolve;
        s.onerror = function () { reject(new Error('GET ' + echartsSrc + ' failed')); };
        document.head.appendChild(s);
      });
    }
    echartsLoading.then(fn, function (err) { console.error('os2pulse: ECharts is not loaded:', err); });
  }

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

  var isoDate = /^\d{4}-\d{2}-\d{2}$/;

  function dateFormats(lang) {
    var locale = lang === 'en' ? 'en-GB' : 'da-DK';
    var month = new Intl.DateTimeFormat(locale, { month: 'short', year: 'numeric', timeZone: 'UTC' });
    var day = new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
    var parse = function (s) { return new Date(s + 'T00:00:00Z'); };
    return {
      // Axis labels name the month; a series' points are month ends.
      month: function (s) { return isoDate.test(s) ? month.format(parse(s)) : s; },
      day: function (s) { return isoDate.test(s) ? day.format(parse(s)) : s; }
    };
  }

  function tooltipFormatter(fmt, dates) {
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
        dates.day(String(first.axisValue || '')) || first.axisValueLabel || first.name || '';
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

  // A chart narrower than this (a phone held upright) gets fewer, shorter
  // axis labels, so that none overlap.
  var narrowWidth = 480;

  function prepare(spec, width) {
    var opt = spec.option || {};
    var fmt = numberFormat(spec.lang, spec.format);
    var dates = dateFormats(spec.lang);
    var narrow = width < narrowWidth;
    opt.tooltip = opt.tooltip || {};
    opt.tooltip.formatter = tooltipFormatter(fmt, dates);
    opt.tooltip.confine = true;
    opt.textStyle = { fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif', color: '#1a1a1a' };
    [opt.xAxis, opt.yAxis].forEach(function (axes) {
      eachAxis(axes, function (axis) {
        axis.axisLabel = axis.axisLabel || {};
        axis.axisLabel.color = '#1a1a1a';
        axis.axisLabel.hideOverlap = true;
        if (axis.type === 'value') {
          axis.axisLabel.formatter = fmt;
          if (narrow) {
            axis.splitNumber = 3;
          }
        } else if (Array.isArray(axis.data) && axis.data.length > 0 && isoDate.test(axis.data[0])) {
          axis.axisLabel.formatter = dates.month;
        } else if (narrow && axis.axisLabel.width) {
          axis.axisLabel.width = 110;
        }
      });
    });
    // A legend wraps onto as many lines as it needs, never into pages
    // to scroll through; on a narrow chart the plot leaves room for them.
    if (narrow && opt.legend && opt.legend.show && Array.isArray(opt.series) && Array.isArray(opt.grid)) {
      var text = 0;
      opt.series.forEach(function (s) { text += String(s.name || '').length * 7 + 40; });
      var lines = Math.max(1, Math.ceil(text / Math.max(width - 24, 100)));
      opt.grid.forEach(function (g) { g.bottom = String(16 + 22 * lines); });
    }
    if (window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)').matches) {
      opt.animation = false;
    }
    return opt;
  }

  // open goes to one of os2pulse's own pages: in an embed, in a new tab
  // (the frame is someone else's page).
  function open(path) {
    if (typeof path !== 'string' || path.charAt(0) !== '/' || path.charAt(1) === '/') {
      return;
    }
    if (document.body.classList.contains('embed')) {
      window.open(path, '_blank', 'noopener');
    } else {
      window.location.assign(path);
    }
  }

  function linkClicks(chart, links) {
    if (!links) {
      return;
    }
    chart.on('click', function (p) {
      var name = (p.componentType === 'xAxis' || p.componentType === 'yAxis') ? p.value : p.name;
      if (Object.prototype.hasOwnProperty.call(links, name)) {
        open(links[name]);
      }
    });
  }

  // download saves the chart as a PNG: ECharts' own export of the
  // canvas, with the title above and the source below, drawn on a canvas
  // of our own.
  function download(imageURL, button) {
    var ratio = 2;
    var img = new Image();
    img.onload = function () {
      var pad = 12 * ratio, titleSize = 16 * ratio, sourceSize = 11 * ratio;
      var canvas = document.createElement('canvas');
      canvas.width = img.width;
      canvas.height = img.height + titleSize + sourceSize + 4 * pad;
      var ctx = canvas.getContext('2d');
      ctx.fillStyle = '#ffffff';
      ctx.fillRect(0, 0, canvas.width, canvas.height);
      ctx.fillStyle = '#1a1a1a';
      ctx.textBaseline = 'top';
      ctx.font = '600 ' + titleSize + 'px system-ui, sans-serif';
      ctx.fillText(button.getAttribute('data-title') || '', pad, pad, canvas.width - 2 * pad);
      ctx.drawImage(img, 0, titleSize + 2 * pad);
      ctx.font = sourceSize + 'px system-ui, sans-serif';
      ctx.fillText(button.getAttribute('data-source') || '', pad, img.height + titleSize + 3 * pad, canvas.width - 2 * pad);
      var a = document.createElement('a');
      a.href = canvas.toDataURL('image/png');
      a.download = button.getAttribute('data-filename') || 'os2pulse.png';
      document.body.appendChild(a);
      a.click();
      a.remove();
    };
    img.src = imageURL(ratio);
  }

  // A map drawn on the server as SVG: a click on a municipality opens its
  // page, and the picture is the SVG itself, drawn at twice its size.
  function svgChart(el) {
    el.addEventListener('click', function (e) {
      var area = e.target.closest && e.target.closest('[data-href]');
      if (area) {
        window.location.href = area.getAttribute('data-href');
      }
    });
    var svg = el.querySelector('svg');
    var button = document.querySelector('[data-download="' + el.id + '"]');
    if (!svg || !button) {
      return;
    }
    button.addEventListener('click', function () {
      download(function (ratio) {
        var copy = svg.cloneNode(true);
        copy.setAttribute('width', String(ratio * Number(svg.getAttribute('width'))));
        copy.setAttribute('height', String(ratio * Number(svg.getAttribute('height'))));
        return 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(new XMLSerializer().serializeToString(copy));
      }, button);
    });
    button.hidden = false;
  }

  function draw(el, spec) {
    // The no-JavaScript note goes; ECharts fills the container.
    el.textContent = '';
    var chart = window.echarts.init(el, null, { renderer: 'canvas' });
    chart.setOption(prepare(spec, el.clientWidth));
    linkClicks(chart, spec.links);
    charts.push(chart);
    el.setAttribute('data-rendered', 'true');
    var button = document.querySelector('[data-download="' + el.id + '"]');
    if (button) {
      button.addEventListener('click', function () {
        download(function (ratio) {
          return chart.getDataURL({ type: 'png', pixelRatio: ratio, backgroundColor: '#ffffff' });
        }, button);
      });
      button.hidden = false;
    }
  }

  function start(el, spec) {
    withECharts(function () { draw(el, spec); });
  }

  // Charts are drawn when they come near the screen: a page of seven
  // charts costs a phone the one it shows, not all seven at once.
  var waiting = [];
  var observer = null;

  function startAll() {
    waiting.forEach(function (w) {
      if (observer) {
        observer.unobserve(w.el);
      }
      start(w.el, w.spec);
    });
    waiting = [];
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll('[data-svg-chart]'), svgChart);
    var els = document.querySelectorAll('[data-chart]');
    if ('IntersectionObserver' in window) {
      observer = new IntersectionObserver(function (entries) {
        entries.forEach(function (e) {
          if (!e.isIntersecting) {
            return;
          }
          observer.unobserve(e.target);
          waiting = waiting.filter(function (w) {
            if (w.el === e.target) {
              start(w.el, w.spec);
              return false;
            }
            return true;
          });
        });
      }, { rootMargin: '200px 0px' });
    }
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
      if (!observer) {
        start(el, spec);
        return;
      }
      waiting.push({ el: el, spec: spec });
      observer.observe(el);
    });
  }

  // Data tables sit in closed <details>; open them for printing, where
  // a canvas chart alone does not show the numbers.
  var opened = [];
  window.addEventListener('beforeprint', function () {
    // Printed, every chart shows, also those never scrolled to.
    startAll();
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

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', init);
  } else {
    init();
  }
})();
