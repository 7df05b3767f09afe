// Every kind of chart a run's pages hold, for a thread that paints them for
// another (the grading thread, at the end of `harness run`): importing the
// modules that define the painters registers them.
import '../scorecard/html.ts';

export { paintCharts, warmCharts } from './charts.ts';
