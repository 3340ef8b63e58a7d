/**
 * Picks how an image reaches a BMC and which apply time to ask for, from what the BMC announces
 * (pure: capabilities in, decision out, with the reason for the user). Preference:
 *  1. multipart — one request carries image, targets and apply time; the BMC needs no route back.
 *  2. SimpleUpdate — the BMC pulls from firmwarden's image server (needs HTTP(S) reachability).
 *  3. HttpPushUri — deprecated, and its apply time is BMC-global state set by PATCH; last resort.
 */
import { UnsupportedError } from '../errors.ts';
import type { ApplyTime, UpdateMethod } from '../vocab.ts';
import type { UpdateCapabilities } from './capabilities.ts';

export interface MethodRequest {
  imageSize: number;
  /** Apply times acceptable for this update, best first (e.g. [OnReset, Immediate]). */
  applyTimes: ApplyTime[];
  /** Scheme of firmwarden's image server, when one runs (SimpleUpdate needs it). */
  imageServer?: 'http' | 'https';
  /** Force one method (config/CLI); 'auto' or undefined chooses. */
  prefer?: UpdateMethod | 'auto';
}

export interface MethodChoice {
  method: UpdateMethod;
  /** The apply time to request; undefined: the BMC's own default (not announced either way). */
  applyTime?: ApplyTime;
  /** For SimpleUpdate: the TransferProtocol to send. */
  protocol?: 'HTTP' | 'HTTPS';
  reason: string;
  /** Methods that were considered and why not. */
  rejected: Array<{ method: UpdateMethod; why: string }>;
}

const ORDER: UpdateMethod[] = ['multipart', 'simple', 'http-push'];

/** Chooses a method, or throws UnsupportedError listing why each one is impossible. */
export function chooseMethod(caps: UpdateCapabilities, req: MethodRequest): MethodChoice {
  const rejected: MethodChoice['rejected'] = [];
  if (caps.maxImageSizeBytes !== undefined && req.imageSize > caps.maxImageSizeBytes) {
    throw new UnsupportedError(
      `image of ${req.imageSize} bytes exceeds the BMC's MaxImageSizeBytes ${caps.maxImageSizeBytes}`,
    );
  }
  const order = req.prefer && req.prefer !== 'auto' ? [req.prefer] : ORDER;
  for (const method of order) {
    const result = tryMethod(method, caps, req);
    if ('why' in result) rejected.push({ method, why: result.why });
    else return { ...result, rejected };
  }
  throw new UnsupportedError(
    `no usable update method: ${rejected.map((r) => `${r.method}: ${r.why}`).join('; ') || 'none announced'}`,
  );
}

type Attempt = Omit<MethodChoice, 'rejected'> | { why: string };

function tryMethod(method: UpdateMethod, caps: UpdateCapabilities, req: MethodRequest): Attempt {
  switch (method) {
    case 'multipart': {
      if (!caps.multipart) return { why: 'MultipartHttpPushUri not announced' };
      const at = pickApplyTime(caps.multipart.applyTimes, req.applyTimes);
      if (at === null)
        return { why: `apply times ${fmt(caps.multipart.applyTimes)} lack ${req.applyTimes.join('/')}` };
      return {
        method,
        ...at,
        reason: `MultipartHttpPushUri ${caps.multipart.uri}${applyNote(at.applyTime)}`,
      };
    }
    case 'simple': {
      if (!caps.simple) return { why: 'SimpleUpdate not announced' };
      if (!req.imageServer) return { why: 'no image server configured for the BMC to pull from' };
      const protocol = req.imageServer === 'https' ? 'HTTPS' : 'HTTP';
      if (caps.simple.protocols && !caps.simple.protocols.includes(protocol)) {
        return { why: `TransferProtocol ${protocol} not in ${fmt(caps.simple.protocols)}` };
      }
      const at = pickApplyTime(caps.simple.applyTimes, req.applyTimes);
      if (at === null)
        return { why: `apply times ${fmt(caps.simple.applyTimes)} lack ${req.applyTimes.join('/')}` };
      return {
        method,
        protocol,
        ...at,
        reason: `SimpleUpdate over ${protocol} from the image server${applyNote(at.applyTime)}`,
      };
    }
    case 'http-push': {
      if (!caps.httpPush) return { why: 'HttpPushUri not announced' };
      if (caps.httpPushBusy) return { why: 'HttpPushUriOptionsBusy: another client holds the push options' };
      const allowed =
        caps.httpPush.applyTimes ?? (caps.httpPush.applyTime ? [caps.httpPush.applyTime] : undefined);
      const at = pickApplyTime(allowed, req.applyTimes);
      if (at === null) return { why: `apply times ${fmt(allowed)} lack ${req.applyTimes.join('/')}` };
      return {
        method,
        ...at,
        reason: `HttpPushUri ${caps.httpPush.uri} (deprecated; the only push offered)${applyNote(at.applyTime)}`,
      };
    }
  }
}

/**
 * The first wanted apply time the method supports. When the BMC does not announce apply times,
 * none is requested: the BMC applies its default and the inventory read afterwards tells what
 * happened. null: the BMC announces apply times and none of the wanted ones is among them.
 */
function pickApplyTime(
  supported: string[] | undefined,
  wanted: ApplyTime[],
): { applyTime?: ApplyTime } | null {
  if (!supported) return {};
  const hit = wanted.find((w) => supported.includes(w));
  return hit ? { applyTime: hit } : null;
}

function fmt(values: string[] | undefined): string {
  return values ? `[${values.join(', ')}]` : '(not announced)';
}

function applyNote(at: ApplyTime | undefined): string {
  return at ? `, apply ${at}` : ', apply time not announced (BMC default)';
}
