// The port to a live price source. The AWS implementation (src/cloud/aws/pricing.ts) is the only
// code that talks to the Pricing API; it is loaded lazily so runs without it never load the SDK.

export interface PriceQuote {
  usdPerHour: number;
  /** e.g. USE1-AsyncInf:ml.g5.xlarge */
  usageType: string;
  /** Which price was found: asynchronous inference, or real-time hosting as the fallback. */
  kind: 'async' | 'realtime';
  description?: string;
  effectiveDate?: string;
}

export interface PriceApi {
  /** The on-demand hourly price, or undefined when the price list has none for that type and region. */
  getHourlyPrice(region: string, instanceType: string): Promise<PriceQuote | undefined>;
}

export async function loadAwsPriceApi(options: { endpoint?: string } = {}): Promise<PriceApi> {
  const { createPricingApi } = await import('../cloud/aws/pricing.js');
  return createPricingApi(options);
}
