/** The envelopes every transport carries: request -> response, plus pushed events. */
import { z } from 'zod';

export const requestId = z.union([z.int().min(0), z.string().min(1).max(64)]);

export const requestEnvelope = z.strictObject({
  type: z.literal('request'),
  id: requestId,
  method: z.string().min(1).max(100),
  params: z.unknown().optional(),
});

export const contractErrorCode = z.enum(['bad-request', 'unknown-method', 'invalid-params', 'forbidden', 'failed', 'internal']);

export const contractError = z.object({
  code: contractErrorCode,
  message: z.string(),
  method: z.string().optional(),
});
