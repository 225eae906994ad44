export { buildReport, type ReportDeps } from './report.js';
export type {
  CostReport,
  EndpointReport,
  CostFigures,
  SeriesPoint,
  ColdStarts,
  Percentiles,
} from './report-types.js';
export { reportToCsv, SUMMARY_COLUMNS, SERIES_COLUMNS } from './csv.js';
export {
  parseWindow,
  buckets,
  ReportParamError,
  STEPS,
  DEFAULT_SINCE,
  type ReportWindow,
  type Step,
} from './window.js';
export { PriceResolver, type PriceSource, type ResolvedPrice, type PriceSegment } from './prices.js';
export { pricingConfigSchema, pricingConfigOf, type PricingConfig } from './pricing-config.js';
export { loadAwsPriceApi, type PriceApi, type PriceQuote } from './price-api.js';
export { bundledPriceTable, parsePriceTable, type PriceTable } from './price-table.js';
export { gpusPerInstance } from './gpus.js';
