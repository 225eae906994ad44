export { createApp, type AppDeps, type SagezeroApp } from './app.js';
export { startServer, type RunningServer } from './start.js';
export {
  serverConfigSchema,
  serverConfigOf,
  resolveAuthToken,
  type ServerConfig,
  DEFAULT_PORT,
  DEFAULT_HOST,
} from './config.js';
export { mutatingAuth, bearerAuth } from './auth.js';
export { escapeHtml } from './html.js';
