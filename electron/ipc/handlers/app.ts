// Handlers of the app.* and settings.* channels. Each room has a file like this one, exporting a
// function from the Runtime to its part of the handler table.
import type { PartialHandlers } from '../types.js';
import type { Runtime } from '../../app/runtime.js';
import { PosError } from '../../../shared/ipc/errors.js';
import { mergeSettings, type Settings } from '../../../shared/settings.js';
import { PIN_RULE, PIN_RULE_TEXT } from '../../../shared/pin.js';
import type { SettingsView } from '../../../shared/ipc/contract.js';

export function settingsView(rt: Pick<Runtime, 'settings' | 'pin'>): SettingsView {
  // The storage kind is told before any secret is typed, so a till without a keyring says so up front.
  return { values: rt.settings.get(), hasSecret: rt.settings.hasSecret(), secretStorage: rt.settings.secrets.kind, managerPinIsDefault: rt.pin.isDefault() };
}

export interface SaveHooks<T> {
  /** Sees the validated next settings before anything is written; may refuse with a PosError. */
  beforeSave(next: Settings): T;
  /** Applies the saved settings to the running services. */
  afterSave(token: T): Promise<void>;
}

export function appHandlers<T>(rt: Pick<Runtime, 'settings' | 'pin' | 'bus' | 'info'>, hooks?: SaveHooks<T>): PartialHandlers {
  return {
    'app.info': () => rt.info(),
    'settings.get': () => settingsView(rt),
    'settings.save': async ({ values, managerPin }) => {
      rt.pin.check(managerPin);
      const { newManagerPin, secret, ...rest } = values as Record<string, unknown>;
      // Validate everything first; nothing is written unless all of it is valid.
      if (newManagerPin !== undefined && !PIN_RULE.test(String(newManagerPin))) {
        throw new PosError('invalid_settings', `newManagerPin: ${PIN_RULE_TEXT}`, { issues: [{ path: 'newManagerPin', message: `newManagerPin: ${PIN_RULE_TEXT}` }] });
      }
      const merged = mergeSettings(rt.settings.get(), rest);
      const token = merged.ok && hooks ? hooks.beforeSave(merged.value) : undefined;
      rt.settings.save(secret === undefined ? rest : { ...rest, secret });
      if (newManagerPin !== undefined) rt.pin.set(String(newManagerPin));
      if (hooks) await hooks.afterSave(token as T);
      rt.bus.emit('settings.changed', { hasSecret: rt.settings.hasSecret() });
      return settingsView(rt);
    },
  };
}
