// The ECharts os2pulse embeds: only the charts and components its
// pages use (dashboard/echarts.go), not the whole library, so that a
// phone parses and starts a third of it. `make assets` bundles this
// file with esbuild into assets/static/echarts.min.js; charts.js and
// map-register.js use it as window.echarts.
import * as echarts from 'echarts/core';
import { BarChart, LineChart, MapChart } from 'echarts/charts';
import {
  GridComponent, LegendComponent, TitleComponent, TooltipComponent, VisualMapPiecewiseComponent
} from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([BarChart, LineChart, MapChart, GridComponent, LegendComponent, TitleComponent, TooltipComponent,
  VisualMapPiecewiseComponent, CanvasRenderer]);

window.echarts = echarts;
