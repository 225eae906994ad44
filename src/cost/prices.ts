// Hourly price resolution. Every price carries its source so the report can say where it came from:
//   override  per-endpoint pricePerHourUsd in the config
//   cache     a Pricing API answer stored within cacheTtlHours (or, with the API unreachable, older)
//   api       fetched from the Pricing API just now (and stored)
//   table     the bundled table (pricing.source: table, or the API unreachable with nothing cached)
// A price fetched from the API applies from its fetch time on; the first one known also covers the
// time before it, since the report has nothing better for that stretch.
import type { Clock } from '../clock.js';
import type { Store } from '../store/index.js';
import type { PriceApi } from './price-api.js';
import type { PricingConfig } from './pricing-config.js';
import { bundledPriceTable, type PriceTable } from './price-table.js';

export type PriceSource = 'api' | 'cache' | 'table' | 'override';

export interface ResolvedPrice {
  usdPerHour: number;
  source: PriceSource;
  /** Usage type, table row source, or why a fallback was used. */
  detail: string;
  /** When an API price was fetched (ms). */
  fetchedAt?: number;
}

/** A price that holds from `from` (ms, -Infinity for "since always") until the next segment. */
export interface PriceSegment {
  from: number;
  usdPerHour: number;
  source: PriceSource;
}

export interface PriceResolverOptions {
  store: Store;
  clock: Clock;
  pricing: Pick<PricingConfig, 'source' | 'cacheTtlHours'>;
  /** The live source, or a loader for it (loaded on first use). Absent: no API (e.g. cloud: sim). */
  api?: PriceApi | (() => Promise<PriceApi>);
  table?: PriceTable;
  /** After a failed API call, how long to use fallbacks before asking again. */
  retryAfterMs?: number;
  onApiError?: (message: string) => void;
}

const FALLBACK_REGION = 'us-east-1';

export class PriceResolver {
  private readonly table: PriceTable;
  private api: PriceApi | undefined;
  private readonly inflight = new Map<string, Promise<ResolvedPrice | undefined>>();
  private readonly failedUntil = new Map<string, { until: number; message: string }>();

  constructor(private readonly opts: PriceResolverOptions) {
    this.table = opts.table ?? bundledPriceTable();
  }

  /** The price of one instance-hour now, or undefined when no source knows the type. */
  async resolve(
    region: string,
    instanceType: string,
    overrideUsd?: number,
  ): Promise<ResolvedPrice | undefined> {
    if (overrideUsd !== undefined) {
      return { usdPerHour: overrideUsd, source: 'override', detail: 'pricePerHourUsd in the config' };
    }
    if (this.opts.pricing.source === 'table' || !this.opts.api) {
      const why =
        this.opts.pricing.source === 'table' ? 'pricing.source: table' : 'no Pricing API for this cloud';
      return this.fromTable(region, instanceType, why);
    }
    const key = `${region}\t${instanceType}`;
    const running = this.inflight.get(key);
    if (running) return running;
    const p = this.resolveFromApi(region, instanceType).finally(() => this.inflight.delete(key));
    this.inflight.set(key, p);
    return p;
  }

  /**
   * The prices in force over time, oldest first: API prices as they were fetched, else one segment.
   * Resolves (and may fetch) the current price first.
   */
  async timeline(
    region: string,
    instanceType: string,
    overrideUsd?: number,
  ): Promise<{ current: ResolvedPrice | undefined; segments: PriceSegment[] }> {
    const current = await this.resolve(region, instanceType, overrideUsd);
    if (!current) return { current, segments: [] };
    if (current.source === 'override' || current.source === 'table') {
      return {
        current,
        segments: [{ from: -Infinity, usdPerHour: current.usdPerHour, source: current.source }],
      };
    }
    const segments: PriceSegment[] = [];
    for (const p of await this.opts.store.prices.history(region, instanceType, 'api')) {
      const last = segments[segments.length - 1];
      if (last && last.usdPerHour === p.usdPerHour) continue;
      segments.push({
        from: segments.length === 0 ? -Infinity : p.fetchedAt,
        usdPerHour: p.usdPerHour,
        source: 'api',
      });
    }
    if (segments.length === 0)
      segments.push({ from: -Infinity, usdPerHour: current.usdPerHour, source: current.source });
    return { current, segments };
  }

  private async resolveFromApi(region: string, instanceType: string): Promise<ResolvedPrice | undefined> {
    const now = this.opts.clock.now();
    const ttlMs = this.opts.pricing.cacheTtlHours * 3600_000;
    const cached = await this.opts.store.prices.latest(region, instanceType, 'api');
    if (cached && now - cached.fetchedAt < ttlMs) {
      return {
        usdPerHour: cached.usdPerHour,
        source: 'cache',
        detail: cached.detail,
        fetchedAt: cached.fetchedAt,
      };
    }
    const key = `${region}\t${instanceType}`;
    const failed = this.failedUntil.get(key);
    let error: string;
    if (failed && now < failed.until) {
      error = failed.message;
    } else {
      try {
        const api = await this.loadApi();
        const quote = await api.getHourlyPrice(region, instanceType);
        if (quote) {
          const detail =
            quote.kind === 'async'
              ? quote.usageType
              : `${quote.usageType} (real-time hosting price; no AsyncInf price listed)`;
          await this.opts.store.prices.insert({
            region,
            instanceType,
            usdPerHour: quote.usdPerHour,
            source: 'api',
            detail,
            fetchedAt: now,
          });
          this.failedUntil.delete(key);
          return { usdPerHour: quote.usdPerHour, source: 'api', detail, fetchedAt: now };
        }
        error = `the Pricing API lists no hourly price for ${instanceType} in ${region}`;
      } catch (e) {
        error = `Pricing API unavailable: ${(e as Error).message}`;
      }
      this.failedUntil.set(key, { until: now + (this.opts.retryAfterMs ?? 10 * 60_000), message: error });
      this.opts.onApiError?.(error);
    }
    if (cached) {
      return {
        usdPerHour: cached.usdPerHour,
        source: 'cache',
        detail: `${cached.detail}; stale (fetched ${new Date(cached.fetchedAt).toISOString()}): ${error}`,
        fetchedAt: cached.fetchedAt,
      };
    }
    return this.fromTable(region, instanceType, error);
  }

  private fromTable(region: string, instanceType: string, why: string): ResolvedPrice | undefined {
    const row = this.table.lookup(region, instanceType);
    if (row)
      return { usdPerHour: row.usdPerHour, source: 'table', detail: `bundled table (${why}); ${row.source}` };
    const near = region === FALLBACK_REGION ? undefined : this.table.lookup(FALLBACK_REGION, instanceType);
    if (near) {
      return {
        usdPerHour: near.usdPerHour,
        source: 'table',
        detail: `bundled table has no ${region} price; ${FALLBACK_REGION} price used as an estimate (${why}); ${near.source}`,
      };
    }
    return undefined;
  }

  private async loadApi(): Promise<PriceApi> {
    if (this.api) return this.api;
    const a = this.opts.api;
    if (!a) throw new Error('no Pricing API configured');
    this.api = typeof a === 'function' ? await a() : a;
    return this.api;
  }
}
