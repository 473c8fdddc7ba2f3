export { ASSET_FIELDS, parseColumnMap, planColumns, type AssetField } from './asset-columns.js';
export { importAssets, type ImportedMachine, type ImportInput, type ImportResult } from './import-assets.js';
export { mergeSiteFile, type MergedFile } from './merge-site-file.js';
export { mapOsName } from './os-name.js';
export { matchSite, readSiteFiles, type SiteFile } from './site-files.js';
export { slugify } from './slug.js';
