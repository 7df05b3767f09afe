// ECharts' single-file ES module build has the package's own types.
declare module 'echarts/dist/echarts.esm.min' {
  export * from 'echarts';
}
