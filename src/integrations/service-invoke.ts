/** What the HTTP and Lambda integrations share in choosing their resources. */
import type { ParsedResource } from '../vocabulary/resource.js';

/** `arn:aws:states:::<service>:invoke`, plain or `.waitForTaskToken` (the patterns both support). */
export function isServiceInvoke(parsed: ParsedResource, service: string): boolean {
  return (
    parsed.kind === 'service' &&
    parsed.service === service &&
    parsed.action === 'invoke' &&
    (parsed.pattern === 'request-response' || parsed.pattern === 'waitForTaskToken')
  );
}
