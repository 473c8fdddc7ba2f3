import type { Os } from '../../model/index.js';

const LINUX = /\b(linux|ubuntu|debian|fedora|red ?hat|rhel|centos|rocky|alma|suse|sles|mint)\b/i;
const WINDOWS = /\b(windows|win ?1[01]|win ?7)\b/i;

/** The os of an export's operating-system text ("Windows 10 Enterprise" -> windows, "Ubuntu 22.04" -> linux); null when unknown. */
export function mapOsName(text: string): Os | null {
  if (WINDOWS.test(text)) return 'windows';
  if (LINUX.test(text)) return 'linux';
  return null;
}
