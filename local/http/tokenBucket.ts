/** A stage's or route's throttling, as `AWS::ApiGatewayV2::Stage` declares it: requests per second and burst. */
export interface ThrottleSettings {
  /** `ThrottlingRateLimit`: tokens added per second (fractions allowed, as API Gateway allows them). */
  rateLimit: number;
  /** `ThrottlingBurstLimit`: the bucket's size, the requests one instant may take. */
  burstLimit: number;
}

/**
 * The token bucket API Gateway throttles a route with: full at first, one token per request, refilled at the
 * rate up to the burst. A request that finds it empty is throttled (429), whatever it carries.
 *
 * @example
 * ```ts
 * const bucket = new TokenBucket({ rateLimit: 200, burstLimit: 400 });
 * if (!bucket.take()) answer429();
 * ```
 */
export class TokenBucket {
  private tokens: number;
  private refilledAt: number;

  constructor(
    readonly settings: ThrottleSettings,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = settings.burstLimit;
    this.refilledAt = now();
  }

  /** Takes a token for one request: false when there is none, and the request is throttled. */
  take(): boolean {
    const now = this.now();
    this.tokens = Math.min(this.settings.burstLimit, this.tokens + ((now - this.refilledAt) / 1000) * this.settings.rateLimit);
    this.refilledAt = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
