import { context, propagation, SpanKind, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { GraphQLInstrumentation } from '@opentelemetry/instrumentation-graphql';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { MySQL2Instrumentation } from '@opentelemetry/instrumentation-mysql2';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, ParentBasedSampler, SamplingDecision, TracerProvider, type Sampler, type SamplingResult } from '@opentelemetry/sdk-trace';
import type { TracingSettings } from '../config';

/** Paths whose requests are not traced (probes and scrapes, several a second). */
const UNTRACED = new Set(['/health', '/ready', '/metrics']);

/**
 * Traces start only at a request this server receives (an HTTP server span); spans with no parent elsewhere
 * (startup, the audit sealer's and webhook dispatcher's polling SQL) are not recorded. A request carrying a
 * W3C `traceparent` joins the caller's trace and follows its sampling decision (the parent-based sampler).
 */
class RequestsOnly implements Sampler {
  shouldSample(_context: unknown, _traceId: string, _name: string, kind: SpanKind): SamplingResult {
    return { decision: kind === SpanKind.SERVER ? SamplingDecision.RECORD_AND_SAMPLED : SamplingDecision.NOT_RECORD };
  }

  toString(): string {
    return 'RequestsOnly';
  }
}

export interface Tracing {
  /** Exports the spans still buffered, then stops. */
  shutdown(): Promise<void>;
}

/**
 * Registers the tracer provider (OTLP/HTTP export, batched) and the HTTP, GraphQL and mysql2 instrumentations.
 * The instrumentations patch those modules as they are first required, so this runs before anything loads
 * http, graphql or mysql2: src/main.ts imports this module (and the rest of the server after it) only when
 * OTEL_EXPORTER_OTLP_ENDPOINT is set, so without it nothing here is loaded at all.
 */
export function startTracing(settings: TracingSettings): Tracing {
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': settings.serviceName }),
    sampler: new ParentBasedSampler({ root: new RequestsOnly() }),
    spanProcessors: [new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url: settings.tracesUrl }) })],
  });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  const unregister = registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (req) => UNTRACED.has((req.url ?? '').split('?')[0]),
        // Outgoing requests (webhook deliveries, JWKS fetches) are traced only inside a traced request.
        requireParentforOutgoingSpans: true,
      }),
      // Resolver spans for fields with a resolver of their own; list items merged; variable values never recorded.
      new GraphQLInstrumentation({ mergeItems: true, ignoreTrivialResolveSpans: true, allowValues: false }),
      // Statements as sent (with `?`), never their parameter values.
      new MySQL2Instrumentation({ maskStatement: true }),
    ],
  });
  return {
    async shutdown() {
      unregister();
      await provider.shutdown();
    },
  };
}
