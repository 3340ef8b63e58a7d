/**
 * The simulated host's power and the reset actions: ComputerSystem.Reset moves PowerState through
 * PoweringOff / Off / PoweringOn / On over time (timing.*), staged updates install while the host
 * powers on, and a host OS that ignores ACPI requests (fault gracefulIgnored) leaves
 * GracefulShutdown/GracefulRestart without effect so a client has to fall back to ForceOff.
 * Manager.Reset reboots the BMC. ResetType values are checked against the announced ones.
 */
import { stampLastReset } from '../profiles/last-reset.ts';
import { baseError, baseMessage, renderMessage, SimHttpError } from '../redfish-errors.ts';
import { type Json, obj } from '../resource-tree.ts';
import type { SimHost } from '../sim-host.ts';
import type { SimRequest, SimResponse } from '../sim-http.ts';
import { registerAcCycle } from './ac-cycle.ts';

export type PowerState = 'On' | 'Off' | 'PoweringOn' | 'PoweringOff';

const SYSTEMS = '/redfish/v1/Systems';
const MANAGERS = '/redfish/v1/Managers';

/** The ResetType values an action announces (inline AllowableValues or its ActionInfo). */
function allowedResetTypes(host: SimHost, action: Json): string[] | undefined {
  const inline = action['ResetType@Redfish.AllowableValues'];
  if (Array.isArray(inline)) return inline.map(String);
  const info = action['@Redfish.ActionInfo'];
  if (typeof info !== 'string') return undefined;
  const params = host.tree.get(info)?.['Parameters'];
  const p = Array.isArray(params) ? (params as Json[]).find((x) => x['Name'] === 'ResetType') : undefined;
  return Array.isArray(p?.['AllowableValues']) ? (p['AllowableValues'] as unknown[]).map(String) : undefined;
}

export class HostPower {
  readonly #host: SimHost;
  #state: PowerState = 'On';
  /** A transition is running (another reset gets 409). */
  #busy = false;
  #system: string | undefined;

  constructor(host: SimHost) {
    this.#host = host;
  }

  get state(): PowerState {
    return this.#state;
  }

  /** A power transition is running. */
  get busy(): boolean {
    return this.#busy;
  }

  /**
   * A virtual A/C power cycle of a host that is Off (ac-cycle.ts checks that): standby power goes
   * for powerOffMs, the firmware that waits for A/C loss becomes the running one, then the host
   * powers on when `finalOn` (its staged host images install during that POST, as on any power-on).
   */
  acCycle(finalOn: boolean): void {
    this.#busy = true;
    this.#host.scheduler.run(async () => {
      try {
        await this.#host.scheduler.sleep(this.#host.timing.powerOffMs);
        this.#host.updates.activateOnAcCycle();
      } finally {
        this.#busy = false;
      }
      if (finalOn) {
        this.#busy = true;
        await this.#transition(['on']);
      }
    });
  }

  /** Reads the initial PowerState and registers the reset actions the System and Manager announce. */
  register(): void {
    const host = this.#host;
    this.#system = host.tree.has(SYSTEMS) ? host.tree.members(SYSTEMS)[0] : undefined;
    const system = this.#system === undefined ? undefined : host.tree.get(this.#system);
    if (system?.['PowerState'] === 'Off') this.#state = 'Off';
    this.#availability();
    const sysReset = obj(obj(system?.['Actions'])?.['#ComputerSystem.Reset']);
    if (typeof sysReset?.['target'] === 'string') {
      host.route('POST', sysReset['target'], (req) => this.#systemReset(req, sysReset));
    }
    const manager = host.tree.has(MANAGERS) ? host.tree.members(MANAGERS)[0] : undefined;
    const mgrReset = obj(
      obj(manager === undefined ? undefined : host.tree.get(manager)?.['Actions'])?.['#Manager.Reset'],
    );
    if (typeof mgrReset?.['target'] === 'string') {
      host.route('POST', mgrReset['target'], (req) => this.#managerReset(req, mgrReset));
    }
    registerAcCycle(host, this);
  }

  /**
   * iDRAC applying host firmware Immediate: reboot the host now (power it on when off) so the
   * staged image installs during POST. Waits for a running transition to end first.
   */
  rebootForUpdate(): void {
    this.#host.scheduler.run(async () => {
      while (this.#busy) await this.#host.scheduler.sleep(10);
      await this.#transition(this.#state === 'Off' ? ['on'] : ['off-force', 'on']);
    });
  }

  #set(state: PowerState): void {
    this.#state = state;
    if (this.#system !== undefined)
      this.#host.tree.update(this.#system, (s) => {
        s['PowerState'] = state;
      });
    this.#availability();
  }

  #availability(): void {
    const a = this.#host.availabilityTracker;
    const now = {
      'powered-off': this.#state === 'Off',
      'host-reset': this.#state === 'PoweringOn' || this.#state === 'PoweringOff',
    } as const;
    // Reasons that start are set before those that end, so one outage stays one interval.
    for (const [reason, on] of Object.entries(now)) if (on) a.set(reason as keyof typeof now, true);
    for (const [reason, on] of Object.entries(now)) if (!on) a.set(reason as keyof typeof now, false);
  }

  async #transition(steps: Array<'off-force' | 'off-graceful' | 'on'>): Promise<void> {
    const { scheduler, timing: t, updates } = this.#host;
    this.#busy = true;
    try {
      for (const step of steps) {
        if (step === 'on') {
          this.#set('PoweringOn');
          await updates.activateOnHostReset();
          this.#host.storage.onHostReset();
          await scheduler.sleep(t.powerOnMs);
          this.#set('On');
          if (this.#system !== undefined) this.#host.tree.update(this.#system, stampLastReset);
        } else {
          this.#set('PoweringOff');
          await scheduler.sleep(step === 'off-graceful' ? t.gracefulShutdownMs : t.powerOffMs);
          this.#set('Off');
        }
      }
    } finally {
      this.#busy = false;
    }
  }

  #answer(): SimResponse {
    if (this.#host.profile.updates.resetAnswer === 'no-content') return { status: 204 };
    const style = this.#host.profile.messages;
    return {
      status: 200,
      body: { '@Message.ExtendedInfo': [renderMessage(style, baseMessage(style, 'Success'))] },
    };
  }

  async #resetType(req: SimRequest, action: Json, name: string): Promise<string> {
    const style = this.#host.profile.messages;
    const body = obj(await req.json());
    if (body === undefined) throw baseError(style, 'UnrecognizedRequestBody');
    const type = body['ResetType'];
    if (type === undefined) throw baseError(style, 'ActionParameterMissing', [name, 'ResetType']);
    if (typeof type !== 'string')
      throw baseError(style, 'ActionParameterValueTypeError', [JSON.stringify(type), 'ResetType', name]);
    const allowed = allowedResetTypes(this.#host, action);
    if (allowed !== undefined && !allowed.includes(type)) {
      throw baseError(style, 'ActionParameterValueNotInList', [type, 'ResetType', name]);
    }
    return type;
  }

  async #systemReset(req: SimRequest, action: Json): Promise<SimResponse> {
    const host = this.#host;
    const style = host.profile.messages;
    const type = await this.#resetType(req, action, 'ComputerSystem.Reset');
    if (this.#busy) throw baseError(style, 'ResourceInUse');
    const on = this.#state === 'On';
    const quirk = host.profile.updates.powerQuirk;
    // iDRAC 9 answers 409 to a reset that asks for the power state the server already has.
    if (
      quirk === 'dell-409-same-state' &&
      ((type === 'On' && on) || (!on && /^(ForceOff|GracefulShutdown)$/.test(type)))
    ) {
      throw baseError(style, 'ResourceInUse');
    }
    // iLO 5 refuses restarts and shutdowns of a server that is off.
    if (quirk === 'hpe-400-when-off' && !on && /Restart|Shutdown|ForceOff|Nmi/.test(type)) {
      throw new SimHttpError(400, [
        {
          MessageId: 'iLO.2.14.InvalidOperationForSystemState',
          Message: 'The operation cannot be performed in the current system state.',
          MessageArgs: ['Power is off'],
          Severity: 'Warning',
          Resolution: 'Retry the operation after the system is powered on.',
        },
      ]);
    }
    const ignored = host.updateFaults.gracefulIgnored;
    let steps: Array<'off-force' | 'off-graceful' | 'on'> = [];
    switch (type) {
      case 'On':
      case 'ForceOn':
        steps = on ? [] : ['on'];
        break;
      case 'ForceOff':
        steps = on ? ['off-force'] : [];
        break;
      case 'GracefulShutdown':
        steps = on && !ignored ? ['off-graceful'] : [];
        break;
      case 'GracefulRestart':
        steps = on && !ignored ? ['off-graceful', 'on'] : [];
        break;
      case 'ForceRestart':
      case 'PowerCycle':
        steps = on ? ['off-force', 'on'] : ['on'];
        break;
      case 'PushPowerButton':
        steps = on ? (ignored ? [] : ['off-graceful']) : ['on'];
        break;
      default:
        // Nmi and anything else: no power change.
        steps = [];
    }
    if (steps.length > 0) {
      this.#busy = true;
      host.scheduler.run(() => this.#transition(steps));
    }
    return this.#answer();
  }

  async #managerReset(req: SimRequest, action: Json): Promise<SimResponse> {
    const host = this.#host;
    await this.#resetType(req, action, 'Manager.Reset');
    host.scheduler.after(host.timing.bmcResetDelayMs, () => host.rebootBmc());
    return this.#answer();
  }
}
