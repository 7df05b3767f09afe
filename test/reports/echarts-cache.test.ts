import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { folderProcess } from '../helpers/folder-process.ts';

// ECharts is compiled from V8's code cache in .cache/v8 under the working
// folder: the first process that paints makes it, the next ones use it, and a
// cache that does not fit (damaged, another Node) is made anew. Each step is a
// process of its own, as runs are.

const painter = folderProcess(
  'harness-echarts-cache-',
  `const { barChart, heatmapChart } = await mod('reports/html/charts.ts');
const { compiledFromCache } = await mod('reports/html/echarts.ts');
const svg = barChart({ categories: ['识别', '完整'], series: [{ name: '在线', data: [4.2, 3.5] }], max: 5 }) + heatmapChart({ rows: ['开户'], columns: ['api'], cells: [[7]], min: 0, max: 10 });
console.log(JSON.stringify({ cached: compiledFromCache(), svg }));`,
);
const dir = painter.dir;
const paint = () => painter.run() as { cached: boolean; svg: string };

const cacheFiles = () => readdirSync(join(dir, '.cache', 'v8')).filter((f) => f.endsWith('.bin'));

describe('the code cache of the charts', () => {
  it('is made by the first process, used by the next, and the charts are the same', () => {
    const first = paint();
    expect(first.cached).toBe(false);
    expect(first.svg).toContain('<svg');
    expect(cacheFiles()).toHaveLength(1);
    const second = paint();
    expect(second.cached).toBe(true);
    expect(second.svg).toBe(first.svg);
  });

  it('is made anew when it does not fit, and the charts still come out', () => {
    const file = join(dir, '.cache', 'v8', cacheFiles()[0]);
    writeFileSync(file, 'not a code cache');
    const damaged = paint();
    expect(damaged.cached).toBe(false);
    expect(damaged.svg).toContain('<svg');
    expect(statSync(file).size).toBeGreaterThan(100_000);
    expect(readFileSync(file).subarray(0, 16).toString()).not.toBe('not a code cache');
    expect(paint().cached).toBe(true);
  });
});
