import { Injectable } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

type Label = 'method' | 'route' | 'status_code';

/**
 * The app's Prometheus registry: process defaults plus HTTP requests by method, route pattern
 * (never the raw URL, which would explode cardinality) and status.
 */
@Injectable()
export class HttpMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter<Label>;
  private readonly duration: Histogram<Label>;

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    this.requests = new Counter({
      name: 'http_requests_total',
      help: 'HTTP requests answered, by method, route and status',
      labelNames: ['method', 'route', 'status_code'],
      registers: [this.registry],
    });
    this.duration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request duration in seconds, by method, route and status',
      labelNames: ['method', 'route', 'status_code'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [this.registry],
    });
  }

  /** Counts every answered request, including 404s and errors raised before a handler ran. */
  install(fastify: FastifyInstance): void {
    // Label children per (method, route, status): a handful of keys, each hashed once instead of per request.
    const children = new Map<string, { requests: Counter.Internal; duration: Histogram.Internal<Label> }>();
    fastify.addHook('onResponse', (request, reply, done) => {
      const route = request.routeOptions.url ?? 'unmatched';
      const key = `${request.method} ${reply.statusCode} ${route}`;
      let child = children.get(key);
      if (!child) {
        const labels = { method: request.method, route, status_code: String(reply.statusCode) };
        child = { requests: this.requests.labels(labels), duration: this.duration.labels(labels) };
        children.set(key, child);
      }
      child.requests.inc();
      child.duration.observe(reply.elapsedTime / 1000);
      done();
    });
  }
}
