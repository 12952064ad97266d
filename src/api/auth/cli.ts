/** `serve`'s access options (--credentials, --allowed-host-names, --allow-unauthenticated) as startServer settings. */
import { parseHostNames } from '../host-check.js';
import type { AccessSettings } from './startup.js';

export function accessSettings(options: {
  credentials?: string;
  allowedHostNames?: string;
  allowUnauthenticated?: boolean | string;
}): AccessSettings {
  const allow = options.allowUnauthenticated;
  return {
    ...(options.credentials !== undefined ? { credentials: options.credentials } : {}),
    ...(options.allowedHostNames !== undefined ? { allowedHostNames: parseHostNames(options.allowedHostNames) } : {}),
    ...(allow !== undefined
      ? { allowUnauthenticated: allow === true || ['1', 'true', 'yes'].includes(String(allow).toLowerCase()) }
      : {}),
  };
}
