import * as echarts from './node_modules/echarts/dist/echarts.esm.min.mjs';
const option = { animation: false, color: ['#3b6fd8', '#e07b39'], legend: { top: 0 }, grid: { left: 50, right: 30, top: 40, bottom: 40 }, xAxis: { type: 'category', data: ['开户', '销户', '挂失', '余额', '网点', '反馈', '投诉', '咨询'], axisLabel: { interval: 0 } }, yAxis: { type: 'value', max: 5 }, series: [{ type: 'bar', name: '识别', data: [4.1, 3.2, 4.5, 3.9, 4.2, 3.3, 2.9, 4.0], label: { show: true, position: 'top' } }, { type: 'bar', name: '完整', data: [3.1, 2.2, 3.5, 2.9, 3.2, 2.3, 1.9, 3.0], label: { show: true, position: 'top' } }] };
function once(reuse?: any) {
  const t0 = performance.now();
  const chart = reuse ?? echarts.init(null, null, { renderer: 'svg', ssr: true, width: 640, height: 320 });
  const t1 = performance.now();
  chart.setOption(option, true);
  const t2 = performance.now();
  const svg = chart.renderToSVGString();
  const t3 = performance.now();
  if (!reuse) chart.dispose();
  return [t1 - t0, t2 - t1, t3 - t2, performance.now() - t0, svg.length];
}
for (let i = 0; i < 200; i++) once();
const acc = [0, 0, 0, 0];
for (let i = 0; i < 200; i++) { const r = once(); for (let k = 0; k < 4; k++) acc[k] += r[k] as number; }
console.log('fresh instance: init %s setOption %s render %s total %s ms/chart', ...acc.map((a) => (a / 200).toFixed(3)));
const inst = echarts.init(null, null, { renderer: 'svg', ssr: true, width: 640, height: 320 });
for (let i = 0; i < 200; i++) once(inst);
const acc2 = [0, 0, 0, 0];
for (let i = 0; i < 200; i++) { const r = once(inst); for (let k = 0; k < 4; k++) acc2[k] += r[k] as number; }
console.log('reused instance: init %s setOption %s render %s total %s ms/chart', ...acc2.map((a) => (a / 200).toFixed(3)));
console.log(once()[4], once(inst)[4]);
