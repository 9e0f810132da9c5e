// Handlers of the app.* and settings.* channels. Each room has a file like this one, exporting a
// function from the Runtime to its part of the handler table.
import type { PartialHandlers } from '../types.js';
import type { Runtime } from '../../app/runtime.js';
import { PosError } from '../../../shared/ipc/errors.js';
import { mergeSettings, type Settings } from '../../../shared/settings.js';
import { PIN_RULE, PIN_RULE_TEXT } from '../../../shared/pin.js';
import type { GatewayCheckView, SettingsView } from '../../../shared/ipc/contract.js';
import { SECRET_RULE } from '../../settings/store.js';

export function settingsView(rt: Pick<Runtime, 'settings' | 'pin'>): SettingsView {
  // The storage kind is told before any secret is typed, so a till without a keyring says so up front.
  return { values: rt.settings.get(), hasSecret: rt.settings.hasSecret(), hasHeadOfficeCredential: rt.settings.hasHeadOfficeCredential(), secretStorage: rt.settings.secrets.kind, managerPinIsDefault: rt.pin.isDefault() };
}

export interface SaveHooks<T> {
  /** Sees the validated next settings before anything is written; may refuse with a PosError. */
  beforeSave(next: Settings): T;
  /** Applies the saved settings to the running services. */
  afterSave(token: T): Promise<void>;
  /**
   * Checks the next settings against their gateway before anything is written, when the save
   * changes who the till signs in as (refuses with a PosError naming the setting to look at).
   */
  checkBeforeSave?(next: Settings, secret: string | undefined): Promise<void>;
}

/** Runs 连接测试 for settings (validated, not saved) and a secret typed but not stored. */
export type GatewayChecker = (next: Settings, secret: string | undefined) => Promise<GatewayCheckView>;

function validSecret(secret: unknown): string | undefined {
  if (secret === undefined) return undefined;
  if (typeof secret !== 'string' || !SECRET_RULE.test(secret)) {
    throw new PosError('invalid_settings', 'secret: must be 8–128 printable characters without spaces', { issues: [{ path: 'secret', message: 'secret: must be 8–128 printable characters without spaces' }] });
  }
  return secret;
}

export function appHandlers<T>(rt: Pick<Runtime, 'settings' | 'pin' | 'bus' | 'info'>, hooks?: SaveHooks<T>, checker?: GatewayChecker): PartialHandlers {
  return {
    'settings.checkGateway': async ({ values, secret, managerPin }) => {
      rt.pin.check(managerPin);
      if (!checker) throw new PosError('unavailable', 'settings.checkGateway: no gateway checker in this build');
      const merged = mergeSettings(rt.settings.get(), values ?? {});
      if (!merged.ok) throw new PosError('invalid_settings', merged.issues.map((i) => i.message).join('; '), { issues: merged.issues });
      return checker(merged.value, validSecret(secret));
    },
    'app.info': () => rt.info(),
    'settings.get': () => settingsView(rt),
    'settings.save': async ({ values, managerPin }) => {
      rt.pin.check(managerPin);
      const { newManagerPin, secret, headOfficeCredential, ...rest } = values as Record<string, unknown>;
      // Validate everything first; nothing is written unless all of it is valid.
      if (newManagerPin !== undefined && !PIN_RULE.test(String(newManagerPin))) {
        throw new PosError('invalid_settings', `newManagerPin: ${PIN_RULE_TEXT}`, { issues: [{ path: 'newManagerPin', message: `newManagerPin: ${PIN_RULE_TEXT}` }] });
      }
      const merged = mergeSettings(rt.settings.get(), rest);
      const token = merged.ok && hooks ? hooks.beforeSave(merged.value) : undefined;
      if (merged.ok && hooks?.checkBeforeSave && (secret === undefined || (typeof secret === 'string' && SECRET_RULE.test(secret)))) {
        await hooks.checkBeforeSave(merged.value, secret as string | undefined);
      }
      rt.settings.save({ ...rest, ...(secret === undefined ? {} : { secret }), ...(headOfficeCredential === undefined ? {} : { headOfficeCredential }) });
      if (newManagerPin !== undefined) rt.pin.set(String(newManagerPin));
      if (hooks) await hooks.afterSave(token as T);
      rt.bus.emit('settings.changed', { hasSecret: rt.settings.hasSecret() });
      return settingsView(rt);
    },
  };
}
