import 'reflect-metadata';
import { once } from 'node:events';
import type { RegistryApp } from './app';
import { ConfigError, httpLimits, loadConfig, openModeRefusal, tracingSettings, type Config } from './config';
import type { Tracing } from './observability/tracing';

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`modelgraph: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  // Tracing's instrumentations patch http, graphql and mysql2 as they are first required: it starts before
  // the rest of the server is loaded (config.ts, loaded above, requires only zod); without OTEL_EXPORTER_OTLP_ENDPOINT
  // no OpenTelemetry module is loaded at all.
  const traces = tracingSettings(config);
  const tracing: Tracing | null = traces ? (await import('./observability/tracing.js')).startTracing(traces) : null;
  const { createLogger } = await import('./common/logger.js');
  const { RegistryApp } = await import('./app.js');
  const { createHttpServer } = await import('./http.js');
  const log = createLogger(config.LOG_LEVEL);
  if (traces) log.info({ url: traces.tracesUrl }, 'exporting traces (OTLP/HTTP)');
  let app: RegistryApp;
  try {
    app = await RegistryApp.fromConfig(config, log);
  } catch (error) {
    log.fatal({ err: error }, 'could not start: database unreachable or migrations failed');
    process.exit(1);
  }
  const refusal = app.auth.open ? openModeRefusal(config) : null;
  if (refusal) {
    process.stderr.write(`modelgraph: refusing to start in open local mode (every caller ADMIN) with ${refusal}: `
      + 'set REGISTRY_ADMIN_TOKEN or AUTH_JWKS_URL, or create an API token first\n');
    await app.stop();
    process.exit(1);
  }
  const limits = { MAX_QUERY_DEPTH: config.MAX_QUERY_DEPTH, MAX_QUERY_ALIASES: config.MAX_QUERY_ALIASES,
    MAX_QUERY_COST: config.MAX_QUERY_COST, MAX_DOCUMENT_BYTES: config.MAX_DOCUMENT_BYTES };
  const server = createHttpServer(app, limits, httpLimits(config));
  server.listen(config.PORT, config.HOST);
  await once(server, 'listening');
  log.info({ url: `http://${config.HOST}:${config.PORT}/graphql`, database: app.db.engine }, 'modelgraph ready');

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    app.ready = false;
    // Stop accepting; let requests in flight finish; drop keep-alive connections as they go idle.
    server.close();
    const idle = setInterval(() => server.closeIdleConnections(), 100);
    const force = setTimeout(() => server.closeAllConnections(), 5_000);
    server.closeIdleConnections();
    await once(server, 'close').catch(() => undefined);
    clearInterval(idle);
    clearTimeout(force);
    await app.stop();
    await tracing?.shutdown().catch((error: unknown) => log.warn({ err: error }, 'traces still buffered could not be exported'));
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

void main();
