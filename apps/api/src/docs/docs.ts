import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

export const BEARER_SCHEME = 'bearer';

const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'application/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
};

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>CSP commerce API</title>
  <link rel="stylesheet" href="/docs/swagger-ui.css">
  <link rel="icon" type="image/png" href="/docs/favicon-32x32.png">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/swagger-ui-bundle.js"></script>
  <script src="/docs/swagger-init.js"></script>
</body>
</html>`;

const INIT = `window.ui = SwaggerUIBundle({ url: '/docs-json', dom_id: '#swagger-ui', persistAuthorization: true });`;

export function buildOpenApiDocument(app: NestFastifyApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('CSP commerce API')
    .setDescription('Event-sourced backend for CSP new-commerce subscriptions. Errors are application/problem+json (RFC 9457).')
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, BEARER_SCHEME)
    .addSecurityRequirements(BEARER_SCHEME)
    .build();
  return SwaggerModule.createDocument(app, config);
}

/**
 * OpenAPI JSON at `/docs-json` and Swagger UI at `/docs`. The UI's files come from the installed
 * swagger-ui-dist and are served here directly, which the Fastify adapter would otherwise need a
 * static-files plugin for.
 */
export function setupDocs(app: NestFastifyApplication): void {
  SwaggerModule.setup('docs', app, () => buildOpenApiDocument(app), { ui: false, raw: ['json'], jsonDocumentUrl: 'docs-json' });

  const fastify = app.getHttpAdapter().getInstance();
  const assetsDir = dirname(require.resolve('swagger-ui-dist/package.json'));
  const cache = new Map<string, Buffer>();
  fastify.get('/docs', (_request, reply) => reply.type('text/html; charset=utf-8').send(PAGE));
  fastify.get('/docs/swagger-init.js', (_request, reply) => reply.type('application/javascript; charset=utf-8').send(INIT));
  for (const [file, type] of Object.entries(ASSETS)) {
    fastify.get(`/docs/${file}`, (_request, reply) => {
      if (!cache.has(file)) cache.set(file, readFileSync(join(assetsDir, file)));
      return reply.type(type).header('cache-control', 'public, max-age=86400').send(cache.get(file));
    });
  }
}
