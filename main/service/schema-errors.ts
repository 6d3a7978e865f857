import type { z } from 'zod';

/** Names where a request went wrong without echoing any of its values (they may be secrets). */
export function describeSchemaError(channel: string, error: z.ZodError): string {
  const issue = error.issues[0];
  if (issue === undefined) return `invalid request for ${channel}`;
  const path = issue.path.length > 0 ? issue.path.map(String).join('.') : 'request';
  return `invalid request for ${channel}: ${path}: ${issue.message}`;
}
