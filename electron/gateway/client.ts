// The typed gateway client: one pipeline per call, each step in its own module.
//   validate + build content (request.ts) → sign (sign.ts) → POST with timeout/abort
//   (transport.ts) → parse + verify + map code + typed result (response.ts)
// The secret / private key is held only inside the signer closures built here; no outcome,
// reason or error ever includes it.
import { STATUS } from '../../shared/status-codes.js';
import type { MethodName, MethodParams, MethodResult } from '../../shared/methods.js';
import { rejected, unknown, type GatewayOutcome } from './outcome.js';
import { prepareRequest } from './request.js';
import { readAnswer } from './response.js';
import { md5Signer, privateKeyFromPem, publicKeyFromPem, rsaSigner, type Signer } from './sign.js';
import { DEFAULT_TIMEOUT_MS, postBody } from './transport.js';

export type { GatewayOutcome } from './outcome.js';
export type { MethodName, MethodParams, MethodResult } from '../../shared/methods.js';

export interface GatewayConfig {
  gatewayUrl: string;
  appId: string;
  signType: 'MD5' | 'RSA';
  /** MD5: the merchant secret. */
  secret?: string;
  /** RSA: our private key (signs requests). */
  merchantPrivateKeyPem?: string;
  /** RSA: the gateway's public key (verifies answers and callbacks). */
  platformPublicKeyPem?: string;
  timeoutMs?: number;
  fetchImpl?: typeof fetch;
}

export interface CallOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface GatewayClient {
  call<M extends MethodName>(method: M, params: MethodParams<M>, opts?: CallOptions): Promise<GatewayOutcome<MethodResult<M>>>;
}

/** A configuration the client cannot work with. The message names the field, never its value. */
export class GatewayConfigError extends Error {
  override name = 'GatewayConfigError';
}

/** Builds the signer a config describes (also used to verify callbacks). Throws GatewayConfigError. */
export function signerFor(config: Pick<GatewayConfig, 'signType' | 'secret' | 'merchantPrivateKeyPem' | 'platformPublicKeyPem'>): Signer {
  try {
    if (config.signType === 'MD5') {
      if (!config.secret) throw new GatewayConfigError('secret: is required when signType is MD5');
      return md5Signer(config.secret);
    }
    if (config.signType === 'RSA') {
      if (!config.merchantPrivateKeyPem) throw new GatewayConfigError('merchantPrivateKeyPem: is required when signType is RSA');
      if (!config.platformPublicKeyPem) throw new GatewayConfigError('platformPublicKeyPem: is required when signType is RSA');
      return rsaSigner(privateKeyFromPem(config.merchantPrivateKeyPem, 'merchantPrivateKeyPem'), publicKeyFromPem(config.platformPublicKeyPem, 'platformPublicKeyPem'));
    }
  } catch (err) {
    if (err instanceof GatewayConfigError) throw err;
    throw new GatewayConfigError((err as Error).message);
  }
  throw new GatewayConfigError('signType: must be "MD5" or "RSA"');
}

export function createGatewayClient(config: GatewayConfig): GatewayClient {
  if (!/^https?:\/\/\S+$/.test(config.gatewayUrl ?? '')) throw new GatewayConfigError('gatewayUrl: must be an http(s) URL');
  if (typeof config.appId !== 'string' || config.appId === '' || config.appId.length > 32) throw new GatewayConfigError('appId: must be 1–32 characters');
  const signer = signerFor(config);
  const { gatewayUrl, appId, fetchImpl } = config;
  const defaultTimeoutMs = config.timeoutMs ?? DEFAULT_TIMEOUT_MS;

  return {
    async call<M extends MethodName>(method: M, params: MethodParams<M>, opts: CallOptions = {}): Promise<GatewayOutcome<MethodResult<M>>> {
      let prepared;
      try {
        prepared = prepareRequest(method, params, appId, signer);
      } catch (err) {
        // Only a bug gets here (e.g. a key that cannot sign); nothing was sent.
        return unknown(`request could not be built: ${(err as Error).message}`);
      }
      if (!prepared.ok) {
        return rejected(STATUS.INVALID_PARAM, prepared.message, { local: true, issues: prepared.issues });
      }
      const sent = await postBody(gatewayUrl, prepared.request.body, {
        timeoutMs: opts.timeoutMs ?? defaultTimeoutMs,
        ...(opts.signal ? { signal: opts.signal } : {}),
        ...(fetchImpl ? { fetchImpl } : {}),
      });
      if (!sent.ok) return unknown(sent.reason);
      return readAnswer<MethodResult<M>>(sent.text, signer, method, prepared.request.variant);
    },
  };
}
