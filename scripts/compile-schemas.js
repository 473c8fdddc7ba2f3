#!/usr/bin/env node
// Part of `npm run build`: each JSON schema's validator as code in dist/, so no command compiles a schema at start.
import { writeCompiledSchemas } from '../dist/config/compile-schemas.js';

writeCompiledSchemas();
