export { loadProject, loadProjectConfig, type ConfigResult, type LoadOptions, type LoadResult } from './load-project.js';
export { findProjectRoot, PROJECT_FILE } from './find-project.js';
export { findPackageRoot } from './package-root.js';
export { DEFAULT_EMPLOYEE_ID_PATTERN, DEFAULT_SSH, parseDuration } from './project-config.js';
export { createDiagnostic, hasErrors, displayPath } from './diagnostics.js';
export { MAX_FILE_BYTES } from './read-source.js';
export { schemaFile, type SchemaKind } from './schemas.js';
