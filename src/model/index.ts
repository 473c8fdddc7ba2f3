export * from './source.js';
export * from './project.js';
export * from './plan.js';
export * from './result.js';
export * from './routing.js';
export * from './local-time.js';
export * from './package-cache.js';
